package io.ocellus.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ocellus.models.inference.EngineFactory;
import io.ocellus.models.inference.EngineOptions;
import io.ocellus.models.inference.Preprocessing;
import io.ocellus.models.io.ModelLocator;
import io.ocellus.operators.batch.MicroBatchOptions;
import io.ocellus.operators.inference.InferenceTasks;
import io.ocellus.pipeline.testutils.FailingOnceFactory;
import io.ocellus.pipeline.testutils.LoopbackMiniCluster;
import io.ocellus.pipeline.workflow.WorkflowOptions;
import io.ocellus.schemas.Classification;
import io.ocellus.schemas.DeadLetter;
import io.ocellus.schemas.serde.AvroCodec;
import io.ocellus.schemas.serde.WireFormat;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The streaming job end to end on a MiniCluster and an in-process Kafka broker (both on 127.0.0.1):
 * raw frames in, exactly-once Avro results out, read back with read_committed. N frames in give
 * exactly N records across the classification and dead-letter topics.
 */
class StreamJobITCase {
    @RegisterExtension static final MiniClusterExtension FLINK = LoopbackMiniCluster.extension();

    @Test
    void everyFrameComesOutOnceAsAResultOrADeadLetter() throws Exception {
        Path models = ModelLocator.defaultDirectory();
        Path images = Path.of(System.getProperty("ocellus.images.dir", "../shared/images"));
        assumeTrue(
                models != null && Files.isDirectory(images), "weights or images missing: skipped");
        Map<String, byte[]> good = new HashMap<>();
        try (Stream<Path> files = Files.list(images)) {
            for (Path file : files.filter(f -> f.toString().matches(".*\\.(jpg|bmp)")).toList()) {
                good.put(file.getFileName().toString(), Files.readAllBytes(file));
            }
        }
        byte[] noise = new byte[4096];
        new Random(11).nextBytes(noise);
        Map<String, byte[]> bad =
                Map.of(
                        "truncated",
                        Arrays.copyOf(good.get("parrot.jpg"), good.get("parrot.jpg").length / 2),
                        "zero-bytes",
                        new byte[0],
                        "random-bytes",
                        noise);

        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            kafka.createTopics(2, List.of("frames"));
            kafka.createTopics(1, List.of("classifications", "dead-letters"));
            produce(kafka, good);
            produce(kafka, bad);

            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            env.enableCheckpointing(500);
            StreamJob.define(env, options(kafka, models));
            env.execute("stream-job-it");

            List<Classification> classifications =
                    consume(kafka, "classifications", good.size(), Classification.class);
            List<DeadLetter> deadLetters =
                    consume(kafka, "dead-letters", bad.size(), DeadLetter.class);

            List<String> ids = new ArrayList<>();
            classifications.forEach(c -> ids.add(c.getFrame().getFrameId()));
            deadLetters.forEach(d -> ids.add(d.getFrame().getFrameId()));
            List<String> expected = new ArrayList<>(good.keySet());
            expected.addAll(bad.keySet());
            assertThat(ids).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(classifications)
                    .filteredOn(c -> c.getFrame().getFrameId().equals("parrot.jpg"))
                    .extracting(c -> c.getTop().get(0).getLabel())
                    .containsExactly("macaw");
            assertThat(classifications)
                    .allMatch(c -> c.getFrame().getSourceId().equals("camera-1"));
            assertThat(deadLetters)
                    .extracting(d -> d.getFrame().getFrameId() + ":" + d.getReasonCode())
                    .containsExactlyInAnyOrder(
                            "truncated:UNDECODABLE",
                            "zero-bytes:EMPTY",
                            "random-bytes:UNSUPPORTED_FORMAT");
        }
    }

    @Test
    void recoversFromAFailureMidStreamWithoutLossOrDuplicates() throws Exception {
        Path models = ModelLocator.defaultDirectory();
        Path images = Path.of(System.getProperty("ocellus.images.dir", "../shared/images"));
        assumeTrue(
                models != null && Files.isDirectory(images), "weights or images missing: skipped");
        Map<String, byte[]> frames = new HashMap<>();
        try (Stream<Path> files = Files.list(images)) {
            for (Path file : files.filter(f -> f.toString().matches(".*\\.(jpg|bmp)")).toList()) {
                byte[] bytes = Files.readAllBytes(file);
                for (int copy = 0; copy < 3; copy++) {
                    frames.put(copy + "-" + file.getFileName(), bytes);
                }
            }
        }
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            kafka.createTopics(2, List.of("frames"));
            kafka.createTopics(1, List.of("classifications", "dead-letters"));
            produce(kafka, frames);

            EngineFactory small =
                    new EngineFactory(
                            ModelLocator.locate(models.toString(), 0.25, 128, null),
                            EngineOptions.builder().optIntraOpThreads(2).build());
            FailingOnceFactory.reset();
            WorkflowOptions failing =
                    new WorkflowOptions(
                            new FailingOnceFactory(small, 6),
                            new InferenceTasks(1, false, false, false),
                            new MicroBatchOptions(2, Duration.ofMillis(50)),
                            50_000_000L);
            StreamJobOptions options =
                    new StreamJobOptions(
                            kafka.bootstrapServers(),
                            "frames",
                            InputFormat.RAW,
                            "classifications",
                            null,
                            null,
                            "dead-letters",
                            WireFormat.SINGLE_OBJECT,
                            DeliveryGuarantee.EXACTLY_ONCE,
                            "ocellus-it-recovery",
                            Map.of(),
                            true,
                            failing);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            env.enableCheckpointing(200);
            StreamJob.define(env, options);
            env.execute("stream-job-recovery-it");
            assertThat(FailingOnceFactory.failed()).as("the failure was injected").isTrue();

            List<Classification> classifications =
                    consume(kafka, "classifications", frames.size(), Classification.class);
            List<String> ids =
                    classifications.stream().map(c -> c.getFrame().getFrameId()).toList();
            assertThat(ids)
                    .as("no loss, no duplicates")
                    .containsExactlyInAnyOrderElementsOf(frames.keySet());
        }
    }

    private static StreamJobOptions options(EmbeddedKafkaBroker kafka, Path models)
            throws Exception {
        EngineFactory model =
                new EngineFactory(
                        ModelLocator.locate(models.toString(), 1.0, 224, null),
                        EngineOptions.builder()
                                .optPreprocessing(Preprocessing.STRETCH)
                                .optIntraOpThreads(2)
                                .build());
        WorkflowOptions workflow =
                new WorkflowOptions(
                        model,
                        new InferenceTasks(3, false, false, false),
                        new MicroBatchOptions(8, Duration.ofMillis(200)),
                        50_000_000L);
        return new StreamJobOptions(
                kafka.bootstrapServers(),
                "frames",
                InputFormat.RAW,
                "classifications",
                null,
                null,
                "dead-letters",
                WireFormat.SINGLE_OBJECT,
                DeliveryGuarantee.EXACTLY_ONCE,
                "ocellus-it",
                Map.of(),
                true,
                workflow);
    }

    private static void produce(EmbeddedKafkaBroker kafka, Map<String, byte[]> frames)
            throws Exception {
        Map<String, Object> config =
                Map.of("bootstrap.servers", kafka.bootstrapServers(), "max.request.size", 16 << 20);
        try (KafkaProducer<byte[], byte[]> producer =
                new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Map.Entry<String, byte[]> frame : frames.entrySet()) {
                ProducerRecord<byte[], byte[]> record =
                        new ProducerRecord<>(
                                "frames",
                                "camera-1".getBytes(StandardCharsets.UTF_8),
                                frame.getValue());
                record.headers()
                        .add(
                                new RecordHeader(
                                        "frame-id",
                                        frame.getKey().getBytes(StandardCharsets.UTF_8)));
                producer.send(record).get();
            }
        }
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> List<T> consume(
            EmbeddedKafkaBroker kafka, String topic, int expected, Class<T> type) throws Exception {
        AvroCodec<T> codec = AvroCodec.of(type, WireFormat.SINGLE_OBJECT);
        Map<String, Object> config =
                Map.of(
                        "bootstrap.servers",
                        kafka.bootstrapServers(),
                        "group.id",
                        "verify-" + topic,
                        "auto.offset.reset",
                        "earliest",
                        "isolation.level",
                        "read_committed");
        List<T> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                new KafkaConsumer<>(
                        config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 15_000;
            // Poll past the expected count for a while: a duplicate would show up here.
            long quietUntil = Long.MAX_VALUE;
            while (System.currentTimeMillis() < Math.min(deadline, quietUntil)) {
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(300))) {
                    records.add(codec.decode(record.value()));
                }
                if (records.size() >= expected && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.currentTimeMillis() + 2_000;
                }
            }
        }
        return records;
    }
}
