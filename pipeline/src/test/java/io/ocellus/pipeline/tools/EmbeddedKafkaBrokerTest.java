package io.ocellus.pipeline.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class EmbeddedKafkaBrokerTest {
    @Test
    void carriesALargeRecordOnLoopbackAndStopsCleanly() throws Exception {
        byte[] large = new byte[3 * 1024 * 1024];
        large[large.length - 1] = 42;
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            assertThat(kafka.bootstrapServers()).startsWith("127.0.0.1:");
            kafka.createTopics(1, List.of("frames"));
            Map<String, Object> producer =
                    Map.of(
                            "bootstrap.servers",
                            kafka.bootstrapServers(),
                            "max.request.size",
                            EmbeddedKafkaBroker.MAX_MESSAGE_BYTES);
            try (KafkaProducer<byte[], byte[]> out =
                    new KafkaProducer<>(
                            producer, new ByteArraySerializer(), new ByteArraySerializer())) {
                out.send(new ProducerRecord<>("frames", "cam".getBytes(), large)).get();
            }
            Map<String, Object> consumer =
                    Map.of(
                            "bootstrap.servers",
                            kafka.bootstrapServers(),
                            "group.id",
                            "test",
                            "auto.offset.reset",
                            "earliest",
                            "max.partition.fetch.bytes",
                            EmbeddedKafkaBroker.MAX_MESSAGE_BYTES,
                            "fetch.max.bytes",
                            EmbeddedKafkaBroker.MAX_MESSAGE_BYTES);
            List<ConsumerRecord<byte[], byte[]>> received = new ArrayList<>();
            try (KafkaConsumer<byte[], byte[]> in =
                    new KafkaConsumer<>(
                            consumer, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                in.subscribe(List.of("frames"));
                long deadline = System.currentTimeMillis() + 20_000;
                while (received.isEmpty() && System.currentTimeMillis() < deadline) {
                    in.poll(Duration.ofMillis(500)).forEach(received::add);
                }
            }
            assertThat(received).hasSize(1);
            assertThat(received.get(0).value()).hasSize(large.length);
            assertThat(received.get(0).value()[large.length - 1]).isEqualTo((byte) 42);
        }
    }
}
