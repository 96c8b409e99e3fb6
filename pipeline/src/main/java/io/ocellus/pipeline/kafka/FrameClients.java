package io.ocellus.pipeline.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The two ends a person or a test holds of the streaming job: send raw frames to its input topic,
 * read Avro results back from an output topic (read_committed). Used by {@code ocellus demo} and
 * the integration tests.
 */
public final class FrameClients {
    private FrameClients() {}

    /** Sends each image as a raw frame keyed by {@code sourceId}, its map key as the frame id. */
    public static void sendRaw(
            String bootstrapServers, String topic, String sourceId, Map<String, byte[]> frames)
            throws IOException {
        sendRaw(bootstrapServers, Map.of(), topic, sourceId, frames);
    }

    /** As above, with client settings (SASL, SSL) added. */
    public static void sendRaw(
            String bootstrapServers,
            Map<String, String> clientProperties,
            String topic,
            String sourceId,
            Map<String, byte[]> frames)
            throws IOException {
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put("bootstrap.servers", bootstrapServers);
        config.put("max.request.size", EmbeddedKafkaBroker.MAX_MESSAGE_BYTES);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Map.Entry<String, byte[]> frame : frames.entrySet()) {
                ProducerRecord<byte[], byte[]> record =
                        new ProducerRecord<>(
                                topic, sourceId.getBytes(StandardCharsets.UTF_8), frame.getValue());
                record.headers()
                        .add(
                                new RecordHeader(
                                        "frame-id",
                                        frame.getKey().getBytes(StandardCharsets.UTF_8)));
                producer.send(record);
            }
            producer.flush();
        }
    }

    /**
     * Reads a topic from the start with read_committed until it has been quiet for {@code quiet}
     * after at least {@code expected} records (or {@code timeout} passed): a duplicate arriving
     * late is still seen.
     */
    public static <T extends SpecificRecord> List<T> readCommitted(
            String bootstrapServers,
            String topic,
            Class<T> type,
            KafkaCodec.Settings format,
            int expected,
            Duration quiet,
            Duration timeout)
            throws IOException {
        return readCommitted(
                bootstrapServers, Map.of(), topic, type, format, expected, quiet, timeout);
    }

    /** As above, with client settings (SASL, SSL) added. */
    public static <T extends SpecificRecord> List<T> readCommitted(
            String bootstrapServers,
            Map<String, String> clientProperties,
            String topic,
            Class<T> type,
            KafkaCodec.Settings format,
            int expected,
            Duration quiet,
            Duration timeout)
            throws IOException {
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put("bootstrap.servers", bootstrapServers);
        config.put("group.id", "ocellus-reader-" + topic + "-" + System.nanoTime());
        config.put("auto.offset.reset", "earliest");
        config.put("isolation.level", "read_committed");
        config.put("max.partition.fetch.bytes", EmbeddedKafkaBroker.MAX_MESSAGE_BYTES);
        List<T> records = new ArrayList<>();
        try (KafkaCodec<T> codec = format.open(type);
                KafkaConsumer<byte[], byte[]> consumer =
                        new KafkaConsumer<>(
                                config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + timeout.toMillis();
            long lastRecord = System.currentTimeMillis();
            while (System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    records.add(codec.decode(topic, record.value()));
                    lastRecord = System.currentTimeMillis();
                }
                if (records.size() >= expected
                        && System.currentTimeMillis() - lastRecord >= quiet.toMillis()) {
                    break;
                }
            }
        }
        return records;
    }
}
