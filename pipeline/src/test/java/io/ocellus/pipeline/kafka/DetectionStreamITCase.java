package io.ocellus.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ocellus.models.io.ModelLocator;
import io.ocellus.pipeline.config.Jobs;
import io.ocellus.pipeline.testutils.LoopbackMiniCluster;
import io.ocellus.pipeline.testutils.Results;
import io.ocellus.pipeline.testutils.Samples;
import io.ocellus.pipeline.tools.EmbeddedKafkaBroker;
import io.ocellus.pipeline.tools.FrameClients;
import io.ocellus.schemas.Classification;
import io.ocellus.schemas.DeadLetter;
import io.ocellus.schemas.DetectedObject;
import io.ocellus.schemas.Detections;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Detection and classification in one exactly-once job, two models, one decode per frame, set up
 * from settings as {@code ocellus stream} sets it up: every good frame comes out once on each of
 * the two topics, every bad one once as a dead letter (read back read_committed), with real boxes.
 */
class DetectionStreamITCase {
    @RegisterExtension static final MiniClusterExtension FLINK = LoopbackMiniCluster.extension();

    @Test
    void classifiesAndDetectsEveryFrameOnceWithDeadLettersForBadOnes() throws Exception {
        Path detector = ModelLocator.defaultDetectorDirectory();
        assumeTrue(detector != null && Files.isDirectory(detector), "no detector: skipped");
        Path golden =
                Path.of(System.getProperty("ocellus.datasets.dir", "../shared/datasets"))
                        .resolve("detection-golden");
        Map<String, byte[]> good = new LinkedHashMap<>(Samples.pictures());
        good.put("cats_and_dogs.jpg", Files.readAllBytes(golden.resolve("cats_and_dogs.jpg")));
        byte[] noise = new byte[2048];
        new Random(5).nextBytes(noise);
        byte[] cats = good.get("cats_and_dogs.jpg");
        Map<String, byte[]> bad =
                Map.of("truncated", Arrays.copyOf(cats, cats.length / 3), "noise", noise);
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            kafka.createTopics(2, List.of("frames"));
            kafka.createTopics(1, List.of("classifications", "detections", "dead-letters"));
            FrameClients.sendRaw(kafka.bootstrapServers(), "frames", "camera-1", good);
            FrameClients.sendRaw(kafka.bootstrapServers(), "frames", "camera-1", bad);

            Configuration config = new Configuration();
            config.setString("ocellus.kafka.bootstrap-servers", kafka.bootstrapServers());
            config.setString("ocellus.kafka.input-topic", "frames");
            config.setString("ocellus.kafka.classifications-topic", "classifications");
            config.setString("ocellus.kafka.detections-topic", "detections");
            config.setString("ocellus.kafka.dead-letter-topic", "dead-letters");
            config.setString("ocellus.kafka.output-format", "single-object");
            config.setString("ocellus.model.path", ModelLocator.defaultDirectory().toString());
            config.setString("ocellus.model.alpha", "0.25");
            config.setString("ocellus.model.resolution", "128");
            config.setString("ocellus.detect.model", detector.toString());
            config.setString("ocellus.detect.min-score", "0.4");
            config.setString("ocellus.batching.size", "4");
            config.setString("ocellus.job.name", "ocellus-detect-it");
            config.setString("ocellus.job.bounded", "true");
            StreamJobOptions options = Jobs.streamJob(config);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            env.enableCheckpointing(200);
            StreamJob.define(env, options);
            env.execute(options.jobName());

            List<Classification> classifications =
                    read(kafka, "classifications", good.size(), Classification.class);
            List<Detections> detections = read(kafka, "detections", good.size(), Detections.class);
            List<DeadLetter> deadLetters =
                    read(kafka, "dead-letters", bad.size(), DeadLetter.class);
            assertThat(classifications)
                    .extracting(c -> c.getFrame().getFrameId())
                    .containsExactlyInAnyOrderElementsOf(good.keySet());
            assertThat(detections)
                    .extracting(d -> d.getFrame().getFrameId())
                    .containsExactlyInAnyOrderElementsOf(good.keySet());
            assertThat(deadLetters)
                    .extracting(d -> d.getFrame().getFrameId())
                    .containsExactlyInAnyOrderElementsOf(bad.keySet());
            assertThat(classifications)
                    .allMatch(c -> c.getModelId().equals("mobilenet_v1_0.25_128"));
            assertThat(detections)
                    .allMatch(d -> d.getModelId().equals("ssd_mobilenet_v1_coco_quant"));

            Detections catsAndDogs =
                    detections.stream()
                            .filter(d -> d.getFrame().getFrameId().equals("cats_and_dogs.jpg"))
                            .findFirst()
                            .orElseThrow();
            assertThat(catsAndDogs.getImageWidth()).isEqualTo(1200);
            assertThat(catsAndDogs.getImageHeight()).isEqualTo(600);
            List<String> labels = new ArrayList<>();
            for (DetectedObject object : catsAndDogs.getDetections()) {
                labels.add(object.getLabel());
                assertThat(object.getScore()).isBetween(0.4f, 1f);
                assertThat(object.getPixelBox().getLeft())
                        .isBetween(0, object.getPixelBox().getRight());
                assertThat(object.getPixelBox().getRight()).isLessThanOrEqualTo(1200);
                assertThat(object.getPixelBox().getBottom()).isLessThanOrEqualTo(600);
                assertThat(object.getPixelBox().getRight())
                        .isEqualTo(Math.round(object.getBox().getXmax() * 1200));
            }
            assertThat(labels).contains("cat");
        }
    }

    private static <T extends SpecificRecord> List<T> read(
            EmbeddedKafkaBroker kafka, String topic, int expected, Class<T> type) throws Exception {
        return Results.read(kafka, topic, type, expected, Duration.ofSeconds(20));
    }
}
