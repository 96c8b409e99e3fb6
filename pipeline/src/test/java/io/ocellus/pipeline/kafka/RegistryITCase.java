package io.ocellus.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.apicurio.registry.resolver.config.SchemaResolverConfig;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.kafka.config.KafkaSerdeConfig;
import io.ocellus.operators.batch.MicroBatchOptions;
import io.ocellus.operators.decode.DecodeOptions;
import io.ocellus.operators.inference.InferenceTasks;
import io.ocellus.pipeline.testutils.ApicurioRegistry;
import io.ocellus.pipeline.testutils.LoopbackMiniCluster;
import io.ocellus.pipeline.testutils.Samples;
import io.ocellus.pipeline.testutils.TestPki;
import io.ocellus.pipeline.tools.EmbeddedKafkaBroker;
import io.ocellus.pipeline.tools.FrameClients;
import io.ocellus.pipeline.workflow.WorkflowOptions;
import io.ocellus.schemas.Classification;
import io.ocellus.schemas.DeadLetter;
import io.ocellus.schemas.ImageFrame;
import io.ocellus.schemas.serde.WireFormat;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The registry wire format end to end: a real Apicurio Registry server and Apicurio's own Kafka
 * serializer on the producer side, the job reading {@code avro-registry} frames and writing results
 * whose schemas it registers, read back with Apicurio's deserializer.
 */
class RegistryITCase {
    @RegisterExtension static final MiniClusterExtension FLINK = LoopbackMiniCluster.extension();

    @Test
    void readsAndWritesTheRegistryLayoutThroughApicurio() throws Exception {
        Map<String, byte[]> pictures = Samples.pictures();
        List<String> good = List.of("parrot.jpg", "grace_hopper.bmp", "cat_720p.jpg");
        try (ApicurioRegistry registry = ApicurioRegistry.start();
                EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            kafka.createTopics(1, List.of("frames", "classifications", "dead-letters"));
            Map<String, Object> producer =
                    Map.of(
                            "bootstrap.servers",
                            kafka.bootstrapServers(),
                            "max.request.size",
                            EmbeddedKafkaBroker.MAX_MESSAGE_BYTES,
                            SchemaResolverConfig.REGISTRY_URL,
                            registry.url(),
                            SchemaResolverConfig.AUTO_REGISTER_ARTIFACT,
                            "true",
                            KafkaSerdeConfig.ENABLE_HEADERS,
                            "false");
            AvroKafkaSerializer<ImageFrame> serializer = new AvroKafkaSerializer<>();
            serializer.configure(producer, false); // Kafka configures only serializers it creates
            try (KafkaProducer<String, ImageFrame> frames =
                    new KafkaProducer<>(producer, new StringSerializer(), serializer)) {
                for (String name : good) {
                    frames.send(new ProducerRecord<>("frames", "camera-9", frame(name, pictures)));
                }
            }
            try (KafkaProducer<byte[], byte[]> raw =
                    new KafkaProducer<>(
                            Map.of("bootstrap.servers", kafka.bootstrapServers()),
                            new ByteArraySerializer(),
                            new ByteArraySerializer())) {
                raw.send(new ProducerRecord<>("frames", "not avro at all".getBytes()));
                raw.send( // the layout, but a schema id the registry never gave out
                        new ProducerRecord<>(
                                "frames",
                                ByteBuffer.allocate(9).put((byte) 0).putInt(987_654).array()));
            }

            run(kafka, registry);

            KafkaCodec.Settings codec =
                    KafkaCodec.Settings.from(WireFormat.REGISTRY, registry.url(), Map.of());
            List<Classification> classifications =
                    FrameClients.readCommitted(
                            kafka.bootstrapServers(),
                            "classifications",
                            Classification.class,
                            codec,
                            good.size(),
                            Duration.ofSeconds(2),
                            Duration.ofSeconds(30));
            assertThat(classifications)
                    .extracting(c -> c.getFrame().getFrameId() + " " + c.getTop().get(0).getLabel())
                    .containsExactlyInAnyOrder(
                            "parrot.jpg macaw",
                            "grace_hopper.bmp military uniform",
                            "cat_720p.jpg Egyptian cat");
            List<DeadLetter> deadLetters =
                    FrameClients.readCommitted(
                            kafka.bootstrapServers(),
                            "dead-letters",
                            DeadLetter.class,
                            codec,
                            2,
                            Duration.ofSeconds(2),
                            Duration.ofSeconds(30));
            assertThat(deadLetters)
                    .extracting(DeadLetter::getReasonCode)
                    .containsExactly("UNREADABLE_RECORD", "UNREADABLE_RECORD");
            assertThat(deadLetters.get(0).getMessage()).contains("not in the registry layout");
            assertThat(deadLetters.get(1).getMessage()).contains("registry's schema");

            // The values are byte 0, a 4-byte id, the body; the id names the registered schema.
            byte[] value = firstValue(kafka, "classifications");
            assertThat(value[0]).isZero();
            int id = ByteBuffer.wrap(value, 1, 4).getInt();
            assertThat(registry.get("/ids/contentIds/" + id))
                    .contains("\"name\":\"Classification\"");
        }
    }

    @Test
    void registersItsSchemasWithAnHttpsRegistryThroughTheTlsSettings(@TempDir Path dir)
            throws Exception {
        TestPki pki = TestPki.create(dir);
        Map<String, String> tls =
                Map.of(
                        "apicurio.registry.tls.truststore.location", pki.truststore().toString(),
                        "apicurio.registry.tls.truststore.password", pki.password(),
                        "apicurio.registry.tls.truststore.type", "PKCS12");
        try (ApicurioRegistry registry = ApicurioRegistry.startWithTls(pki);
                EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            assertThat(registry.url()).startsWith("https://");
            kafka.createTopics(1, List.of("frames", "classifications", "dead-letters"));
            FrameClients.sendRaw(
                    kafka.bootstrapServers(),
                    "frames",
                    "camera-9",
                    Map.of("parrot.jpg", Samples.pictures().get("parrot.jpg")));
            StreamJobOptions options =
                    StreamJobOptions.builder()
                            .setBootstrapServers(kafka.bootstrapServers())
                            .setInputTopic("frames")
                            .setDeadLetterTopic("dead-letters")
                            .setJobName("ocellus-registry-tls-it")
                            .setWorkflow(workflow())
                            .optClassificationsTopic("classifications")
                            .optOutputFormat(WireFormat.REGISTRY)
                            .optRegistryUrl(registry.url())
                            .optKafkaProperties(tls)
                            .optBounded(true)
                            .build();
            assertThat(options.toString()).doesNotContain(pki.password());
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            env.enableCheckpointing(200);
            StreamJob.define(env, options);
            env.execute("ocellus-registry-tls-it");

            List<Classification> classifications =
                    FrameClients.readCommitted(
                            kafka.bootstrapServers(),
                            "classifications",
                            Classification.class,
                            KafkaCodec.Settings.from(WireFormat.REGISTRY, registry.url(), tls),
                            1,
                            Duration.ofSeconds(2),
                            Duration.ofSeconds(30));
            assertThat(classifications)
                    .extracting(c -> c.getTop().get(0).getLabel().toString())
                    .containsExactly("macaw");
            int id = ByteBuffer.wrap(firstValue(kafka, "classifications"), 1, 4).getInt();
            assertThat(registry.get("/ids/contentIds/" + id))
                    .contains("\"name\":\"Classification\"");
        }
    }

    private static ImageFrame frame(String name, Map<String, byte[]> pictures) {
        return ImageFrame.newBuilder()
                .setSourceId("camera-9")
                .setFrameId(name)
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
                .setImage(ByteBuffer.wrap(pictures.get(name)))
                .setAttributes(Map.of())
                .build();
    }

    private static WorkflowOptions workflow() throws Exception {
        return new WorkflowOptions(
                Samples.engine(1.0, 224),
                new InferenceTasks(3, false, false, false),
                new MicroBatchOptions(4, Duration.ofMillis(100)),
                DecodeOptions.defaults());
    }

    private static void run(EmbeddedKafkaBroker kafka, ApicurioRegistry registry) throws Exception {
        WorkflowOptions workflow = workflow();
        StreamJobOptions options =
                StreamJobOptions.builder()
                        .setBootstrapServers(kafka.bootstrapServers())
                        .setInputTopic("frames")
                        .setDeadLetterTopic("dead-letters")
                        .setJobName("ocellus-registry-it")
                        .setWorkflow(workflow)
                        .optInputFormat(InputFormat.AVRO_REGISTRY)
                        .optClassificationsTopic("classifications")
                        .optOutputFormat(WireFormat.REGISTRY)
                        .optRegistryUrl(registry.url())
                        .optBounded(true)
                        .build();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(200);
        StreamJob.define(env, options);
        env.execute("ocellus-registry-it");
    }

    private static byte[] firstValue(EmbeddedKafkaBroker kafka, String topic) {
        Map<String, Object> config =
                Map.of(
                        "bootstrap.servers",
                        kafka.bootstrapServers(),
                        "group.id",
                        "raw-" + topic,
                        "auto.offset.reset",
                        "earliest",
                        "isolation.level",
                        "read_committed");
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            List<byte[]> values = new ArrayList<>();
            long deadline = System.currentTimeMillis() + 20_000;
            while (values.isEmpty() && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
            assertThat(values).as("records in " + topic).isNotEmpty();
            return values.get(0);
        }
    }
}
