package io.ocellus.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocellus.pipeline.OcellusCli;
import io.ocellus.pipeline.kafka.KafkaCodec;
import io.ocellus.pipeline.testutils.Results;
import io.ocellus.pipeline.testutils.Samples;
import io.ocellus.pipeline.tools.EmbeddedKafkaBroker;
import io.ocellus.pipeline.tools.FrameClients;
import io.ocellus.schemas.Classification;
import io.ocellus.schemas.DeadLetter;
import io.ocellus.schemas.FrameRef;
import io.ocellus.schemas.serde.WireFormat;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code reprocess --output kafka} killed with SIGKILL part-way, then the same command again: every
 * entry once in its topic under read_committed (before, the second run sent every entry again).
 */
class ReprocessKafkaResumeITCase {
    private static final int IMAGES = 240;
    private static final int BROKEN = 6;

    @TempDir Path dir;

    @Test
    void aRunKilledPartWayAndRunAgainWritesEveryEntryOnce() throws Exception {
        Samples.engine(1.0, 224); // skips without weights
        Path images = Files.createDirectories(dir.resolve("images"));
        List<byte[]> pictures = new ArrayList<>(Samples.pictures().values());
        for (int i = 0; i < IMAGES; i++) {
            Files.write(
                    images.resolve(String.format("%04d.jpg", i)),
                    pictures.get(i % pictures.size()));
        }
        for (int i = 0; i < BROKEN; i++) {
            Files.write(
                    images.resolve("broken-" + i + ".jpg"),
                    new byte[] {(byte) 0xFF, (byte) 0xD8, 1});
        }
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            kafka.createTopics(2, List.of("rs.classifications"));
            kafka.createTopics(1, List.of("rs.dead-letters"));
            List<String> args =
                    List.of(
                            "reprocess",
                            "--input",
                            images.toString(),
                            "--output",
                            "kafka",
                            "--bootstrap-servers",
                            kafka.bootstrapServers(),
                            "--classifications-topic",
                            "rs.classifications",
                            "--dead-letter-topic",
                            "rs.dead-letters",
                            "--alpha",
                            "1.0",
                            "--resolution",
                            "224",
                            "--batch-size",
                            "1",
                            "--threads",
                            "1",
                            "--parallelism",
                            "1");
            List<String> command = new ArrayList<>();
            command.add(ProcessHandle.current().info().command().orElse("java"));
            command.addAll(List.of("-cp", System.getProperty("java.class.path")));
            command.add(OcellusCli.class.getName());
            command.addAll(args);
            Process first =
                    new ProcessBuilder(command)
                            .redirectErrorStream(true)
                            .redirectOutput(dir.resolve("first.log").toFile())
                            .start();
            int seenAtKill;
            try {
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                do {
                    Thread.sleep(500);
                    seenAtKill = count(kafka, "rs.classifications");
                } while (seenAtKill < 20 && first.isAlive() && System.nanoTime() < deadline);
                assertThat(first.isAlive()).as("still running when killed").isTrue();
            } finally {
                first.destroyForcibly(); // SIGKILL
                first.waitFor(30, TimeUnit.SECONDS);
            }
            assertThat(seenAtKill).isBetween(20, IMAGES - 1);

            CliRun again = CliRun.of(args.toArray(String[]::new));
            assertThat(again.code()).as(again.err()).isZero();

            Map<String, Integer> times = new HashMap<>();
            for (Classification c :
                    Results.read(
                            kafka,
                            "rs.classifications",
                            Classification.class,
                            IMAGES,
                            Duration.ofSeconds(30))) {
                times.merge(key(c.getFrame()), 1, Integer::sum);
            }
            for (DeadLetter d :
                    Results.read(
                            kafka,
                            "rs.dead-letters",
                            DeadLetter.class,
                            BROKEN,
                            Duration.ofSeconds(30))) {
                times.merge(key(d.getFrame()), 1, Integer::sum);
            }
            assertThat(times).hasSize(IMAGES + BROKEN);
            assertThat(times.values()).as("every entry once").containsOnly(1);
        }
    }

    private static String key(FrameRef frame) {
        return frame.getSourceId() + "/" + frame.getFrameId();
    }

    private static int count(EmbeddedKafkaBroker kafka, String topic) throws Exception {
        return FrameClients.readCommitted(
                        kafka.bootstrapServers(),
                        topic,
                        Classification.class,
                        KafkaCodec.Settings.of(WireFormat.SINGLE_OBJECT),
                        Integer.MAX_VALUE,
                        Duration.ofMillis(300),
                        Duration.ofSeconds(5))
                .size();
    }
}
