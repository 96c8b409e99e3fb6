package io.ocellus.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocellus.operators.batch.MicroBatchOptions;
import io.ocellus.operators.decode.DecodeOptions;
import io.ocellus.operators.inference.InferenceTasks;
import io.ocellus.pipeline.testutils.LoopbackMiniCluster;
import io.ocellus.pipeline.testutils.Results;
import io.ocellus.pipeline.testutils.Samples;
import io.ocellus.pipeline.tools.EmbeddedKafkaBroker;
import io.ocellus.pipeline.tools.FrameClients;
import io.ocellus.pipeline.workflow.WorkflowOptions;
import io.ocellus.schemas.ClaimCheck;
import io.ocellus.schemas.Classification;
import io.ocellus.schemas.DeadLetter;
import io.ocellus.schemas.ImageFrame;
import io.ocellus.schemas.serde.AvroCodec;
import io.ocellus.schemas.serde.WireFormat;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile records among good frames: the stream job commits every one exactly once, as a result or
 * a dead letter, without a single task restart (the job runs with no restart strategy, so any
 * failure would fail it). The result and dead-letter topics keep Kafka's default record limit, so a
 * record that made an output too large would show here.
 */
class HostileRecordsITCase {
    @RegisterExtension static final MiniClusterExtension FLINK = LoopbackMiniCluster.extension();

    /** Kafka's default {@code max.message.bytes}. */
    private static final String KAFKA_DEFAULT_LIMIT = "1048588";

    @TempDir Path dir;

    @Test
    void rawRecordsWithOversizedIdsHeadersAndImagesAreDeadLettersAndNothingRestarts()
            throws Exception {
        byte[] parrot = Samples.pictures().get("parrot.jpg");
        byte[] noise = new byte[DecodeOptionsLimits.NEAR_A_MEGABYTE];
        new Random(3).nextBytes(noise);
        try (EmbeddedKafkaBroker kafka = start()) {
            List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
            records.add(FrameClients.rawFrame("frames", "cam", "good-1", parrot));
            records.add(FrameClients.rawFrame("frames", "cam", "x".repeat(2_000_000), parrot));
            records.add(FrameClients.rawFrame("frames", "k".repeat(2_000_000), "big-key", parrot));
            ProducerRecord<byte[], byte[]> headers =
                    FrameClients.rawFrame("frames", "cam", "many-headers", parrot);
            for (int i = 0; i < 300; i++) {
                headers.headers().add(new RecordHeader("h" + i, new byte[1000]));
            }
            records.add(headers);
            ProducerRecord<byte[], byte[]> time =
                    FrameClients.rawFrame("frames", "cam", "bad-time", parrot);
            time.headers().add(new RecordHeader("event-time", bytes("yesterday")));
            records.add(time);
            records.add(FrameClients.rawFrame("frames", "cam", "near-a-megabyte", noise));
            records.add(
                    FrameClients.rawFrame(
                            "frames",
                            "cam",
                            "over-a-megabyte",
                            java.util.Arrays.copyOf(noise, 1_500_000)));
            records.add(FrameClients.rawFrame("frames", "cam", "good-2", parrot));
            send(kafka, records);

            run(kafka, InputFormat.RAW, List.of());

            List<Classification> results = classifications(kafka, 2);
            assertThat(results)
                    .extracting(c -> c.getFrame().getFrameId())
                    .containsExactlyInAnyOrder("good-1", "good-2");
            List<DeadLetter> dead = deadLetters(kafka, 6);
            assertThat(dead)
                    .extracting(d -> d.getReasonCode())
                    .containsOnly("UNREADABLE_RECORD", "UNSUPPORTED_FORMAT");
            assertThat(dead)
                    .filteredOn(d -> d.getFrame().getFrameId().equals("near-a-megabyte"))
                    .singleElement()
                    .satisfies(
                            d -> assertThat(d.getOriginal().remaining()).isEqualTo(noise.length));
            assertThat(dead)
                    .as("too large to carry: where to read it again instead")
                    .filteredOn(d -> d.getFrame().getFrameId().equals("over-a-megabyte"))
                    .singleElement()
                    .satisfies(
                            d -> {
                                assertThat(d.getOriginal()).isNull();
                                assertThat(d.getTopic()).isEqualTo("frames");
                                assertThat(d.getPartition()).isZero();
                                assertThat(d.getOffset()).isEqualTo(6L);
                            });
            assertThat(dead)
                    .extracting(d -> d.getMessage())
                    .anyMatch(m -> m.contains("frame id of 2000000 characters"))
                    .anyMatch(m -> m.contains("source id of 2000000 characters"))
                    .anyMatch(m -> m.contains("attributes (headers)"));
        }
    }

    @Test
    void avroFramesWithMalformedClaimChecksAreDeadLettersAndNothingRestarts() throws Exception {
        byte[] parrot = Samples.pictures().get("parrot.jpg");
        Path root = Files.createDirectories(dir.resolve("frames"));
        Files.write(root.resolve("parrot.jpg"), parrot);
        Files.write(dir.resolve("secret.jpg"), parrot);
        String base = root.toUri().toString();
        Map<String, String> claims = new LinkedHashMap<>();
        claims.put("claimed", base + "parrot.jpg");
        claims.put("empty-entry", "tar:" + base + "shard.tar!//x");
        claims.put("no-entry", "tar:" + base + "shard.tar!/");
        claims.put("bare-jar", "jar:");
        claims.put("encoded-dots", base + "%2e%2e/secret.jpg");
        claims.put("upper-dots", base + "%2E%2E/secret.jpg");
        claims.put("not-a-uri", base + "a b\\c.jpg");
        claims.put("long", base + "y".repeat(100_000));
        claims.put("bad-escape", base + "%zz.jpg");
        claims.put("relative", "frames/parrot.jpg");
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        AvroCodec<ImageFrame> codec = AvroCodec.of(ImageFrame.class, WireFormat.BINARY);
        records.add(avro(codec, frame("inline-1", parrot, null)));
        claims.forEach((id, uri) -> records.add(avro(codec, frame(id, null, uri))));
        records.add(
                new ProducerRecord<>("frames", bytes("cam"), bytes("not avro at all, truncated")));
        records.add(avro(codec, frame("inline-2", parrot, null)));
        try (EmbeddedKafkaBroker kafka = start()) {
            send(kafka, records);

            run(kafka, InputFormat.AVRO_BINARY, List.of(root.toString()));

            assertThat(classifications(kafka, 3))
                    .extracting(c -> c.getFrame().getFrameId())
                    .containsExactlyInAnyOrder("inline-1", "claimed", "inline-2");
            List<DeadLetter> dead = deadLetters(kafka, claims.size());
            assertThat(dead).hasSize(claims.size());
            assertThat(dead)
                    .filteredOn(d -> d.getStage().name().equals("FETCH"))
                    .extracting(d -> d.getFrame().getFrameId())
                    .containsExactlyInAnyOrderElementsOf(
                            claims.keySet().stream().filter(id -> !id.equals("claimed")).toList());
        }
    }

    /** Sizes near the limits. */
    private static final class DecodeOptionsLimits {
        /** An undecodable image just under the size a dead letter carries. */
        static final int NEAR_A_MEGABYTE = 999_000;
    }

    private static ImageFrame frame(String id, byte[] image, String claim) {
        return ImageFrame.newBuilder()
                .setSourceId("cam")
                .setFrameId(id)
                .setEventTime(Instant.ofEpochMilli(1000))
                .setImage(image == null ? null : ByteBuffer.wrap(image))
                .setClaimCheck(claim == null ? null : new ClaimCheck(claim, null, null))
                .setAttributes(Map.of())
                .build();
    }

    private static ProducerRecord<byte[], byte[]> avro(
            AvroCodec<ImageFrame> codec, ImageFrame frame) {
        return new ProducerRecord<>("frames", bytes("cam"), codec.encode(frame));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void send(EmbeddedKafkaBroker kafka, List<ProducerRecord<byte[], byte[]>> all) {
        try (KafkaProducer<byte[], byte[]> producer =
                FrameClients.producer(kafka.bootstrapServers(), Map.of())) {
            all.forEach(producer::send);
            producer.flush();
        }
    }

    private static EmbeddedKafkaBroker start() throws Exception {
        EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start();
        kafka.createTopics(1, List.of("frames"));
        kafka.createTopics(
                1,
                List.of("classifications", "dead-letters"),
                Map.of("max.message.bytes", KAFKA_DEFAULT_LIMIT));
        return kafka;
    }

    /** The bounded job, exactly-once, with no restart strategy: any task failure fails it. */
    private static void run(EmbeddedKafkaBroker kafka, InputFormat format, List<String> roots)
            throws Exception {
        WorkflowOptions workflow =
                new WorkflowOptions(
                        Samples.engine(0.25, 128),
                        new InferenceTasks(3, false, false, false),
                        new MicroBatchOptions(4, Duration.ofMillis(100)),
                        DecodeOptions.defaults().withClaimCheckRoots(roots));
        StreamJobOptions options =
                StreamJobOptions.builder()
                        .setBootstrapServers(kafka.bootstrapServers())
                        .setInputTopic("frames")
                        .setDeadLetterTopic("dead-letters")
                        .setJobName("ocellus-hostile-" + format)
                        .setWorkflow(workflow)
                        .optInputFormat(format)
                        .optClassificationsTopic("classifications")
                        .optOutputFormat(WireFormat.SINGLE_OBJECT)
                        .optBounded(true)
                        .build();
        Configuration config = new Configuration();
        config.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(config);
        env.setParallelism(1);
        env.enableCheckpointing(200);
        StreamJob.define(env, options);
        env.execute(options.jobName());
    }

    private static List<Classification> classifications(EmbeddedKafkaBroker kafka, int expected)
            throws Exception {
        return Results.read(
                kafka, "classifications", Classification.class, expected, Duration.ofSeconds(20));
    }

    private static List<DeadLetter> deadLetters(EmbeddedKafkaBroker kafka, int expected)
            throws Exception {
        return Results.read(
                kafka, "dead-letters", DeadLetter.class, expected, Duration.ofSeconds(20));
    }
}
