package io.ocellus.pipeline.tools;

import io.ocellus.pipeline.kafka.KafkaCodec;
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
        try (KafkaProducer<byte[], byte[]> producer =
                producer(bootstrapServers, clientProperties)) {
            for (Map.Entry<String, byte[]> frame : frames.entrySet()) {
                producer.send(rawFrame(topic, sourceId, frame.getKey(), frame.getValue()));
            }
            producer.flush();
        }
    }

    /** A producer of byte records up to the in-process broker's size limit, with these settings. */
    public static KafkaProducer<byte[], byte[]> producer(
            String bootstrapServers, Map<String, String> clientProperties) {
        Map<String, Object> config = new HashMap<>();
        config.put("max.request.size", EmbeddedKafkaBroker.MAX_MESSAGE_BYTES);
        config.putAll(clientProperties);
        config.put("bootstrap.servers", bootstrapServers);
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** A raw frame: the image as the value, the source id as the key, a frame-id header. */
    public static ProducerRecord<byte[], byte[]> rawFrame(
            String topic, String sourceId, String frameId, byte[] image) {
        ProducerRecord<byte[], byte[]> record =
                new ProducerRecord<>(topic, sourceId.getBytes(StandardCharsets.UTF_8), image);
        record.headers()
                .add(new RecordHeader("frame-id", frameId.getBytes(StandardCharsets.UTF_8)));
        return record;
    }

    /**
     * A consumer reading committed records from the start under {@code groupId}, accepting records
     * up to the in-process broker's size limit.
     */
    public static KafkaConsumer<byte[], byte[]> committedReader(
            String bootstrapServers, Map<String, String> clientProperties, String groupId) {
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put("bootstrap.servers", bootstrapServers);
        config.put("group.id", groupId);
        config.put("auto.offset.reset", "earliest");
        config.put("isolation.level", "read_committed");
        config.put("max.partition.fetch.bytes", EmbeddedKafkaBroker.MAX_MESSAGE_BYTES);
        return new KafkaConsumer<>(
                config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
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
        List<T> records = new ArrayList<>();
        try (KafkaCodec<T> codec = format.open(type);
                KafkaConsumer<byte[], byte[]> consumer =
                        committedReader(
                                bootstrapServers,
                                clientProperties,
                                "ocellus-reader-" + topic + "-" + System.nanoTime())) {
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
