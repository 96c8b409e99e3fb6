package io.ocellus.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ocellus.models.image.ImageDecoder;
import io.ocellus.models.image.ScaledJpegDecoder;
import io.ocellus.models.inference.EngineOptions;
import io.ocellus.models.inference.InferenceEngine;
import io.ocellus.models.inference.Outputs;
import io.ocellus.models.inference.Prediction;
import io.ocellus.models.inference.RgbImage;
import io.ocellus.models.io.ModelLocator;
import io.ocellus.pipeline.config.Jobs;
import io.ocellus.pipeline.testutils.LoopbackMiniCluster;
import io.ocellus.pipeline.testutils.Samples;
import io.ocellus.pipeline.tools.EmbeddedKafkaBroker;
import io.ocellus.pipeline.tools.FrameClients;
import io.ocellus.schemas.Classification;
import io.ocellus.schemas.serde.WireFormat;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterRESTAddress;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model swapped while the exactly-once job runs, at parallelism 2: frames keep coming while a
 * new model is named on the model-updates topic; three bad updates (a missing file, a detector for
 * a classifying job, an unknown setting) are refused and counted; every frame before, during and
 * after the swap comes out exactly once, the later ones with the new model's id and labels; after a
 * savepoint and a restore of the job as it was first configured, the swapped model answers.
 */
class ModelSwapITCase {
    @RegisterExtension static final MiniClusterExtension FLINK = LoopbackMiniCluster.extension();

    /** The README's topic. */
    private static final String UPDATES = "ocellus.model-updates";

    private static final int PARALLELISM = 2;
    private static final String OLD = "mobilenet_v1_0.25_128";
    private static final String NEW = "mobilenet_v1_0.5_160@2026-12-01";

    @Test
    void swapsTheModelMidStreamRefusesBadOnesAndKeepsItThroughARestore(
            @InjectClusterRESTAddress URI rest, @TempDir Path savepoints) throws Exception {
        Map<String, byte[]> pictures = Samples.pictures();
        Path models = ModelLocator.defaultDirectory();
        assumeTrue(models != null && Files.isDirectory(models), "weights not found: skipped");
        Path detector = models.resolveSibling("ssd_mobilenet_v1_coco");
        assumeTrue(Files.isDirectory(detector), "the detector is not there: skipped");

        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start();
                KafkaProducer<byte[], byte[]> producer =
                        FrameClients.producer(kafka.bootstrapServers(), Map.of())) {
            kafka.createTopics(2, List.of("frames", "classifications", "dead-letters"));
            kafka.createTopics(1, List.of(UPDATES));
            Configuration settings = settings(kafka, models);
            List<String> sent = new ArrayList<>();
            JobClient job = submit(settings, null);
            try {
                send(producer, "before", pictures, sent);
                assertThat(read(kafka, sent.size()))
                        .allSatisfy(c -> assertThat(c.getModelId().toString()).isEqualTo(OLD));

                update(producer, "/nonexistent/mobilenet_v1_9.0_999.tflite");
                update(producer, detector.toString());
                update(producer, "ocellus.model.colour: blue");
                // The README's own example, run as written: one record naming the wider model.
                runReadmeExample(kafka, models, savepoints.resolveSibling("readme-example"));
                // Frames keep coming until the new model answers.
                long deadline = System.currentTimeMillis() + 90_000;
                boolean swapped = false;
                for (int i = 0; !swapped && System.currentTimeMillis() < deadline; i++) {
                    send(
                            producer,
                            "during-" + i,
                            Map.of("parrot.jpg", pictures.get("parrot.jpg")),
                            sent);
                    Thread.sleep(250);
                    swapped =
                            read(kafka, sent.size()).stream()
                                    .anyMatch(c -> c.getModelId().toString().equals(NEW));
                }
                assertThat(swapped).as("an answer from the new model within 90 s").isTrue();
                send(producer, "after", pictures, sent);
                List<Classification> all = read(kafka, sent.size());
                assertThat(all)
                        .extracting(c -> c.getFrame().getFrameId().toString())
                        .containsExactlyInAnyOrderElementsOf(sent);
                assertThat(all).extracting(c -> c.getModelId().toString()).containsOnly(OLD, NEW);
                List<Classification> after = startingWith(all, "after/");
                assertThat(after)
                        .allSatisfy(c -> assertThat(c.getModelId().toString()).isEqualTo(NEW));
                assertSameLabels(after, reference(models, pictures));
                assertThat(metric(rest, job, "modelUpdatesRefused", 3 * PARALLELISM))
                        .isEqualTo(3 * PARALLELISM);
                assertThat(metric(rest, job, "modelSwaps", PARALLELISM)).isEqualTo(PARALLELISM);

                // A savepoint, and the job as first configured restored from it.
                String savepoint =
                        job.triggerSavepoint(
                                        savepoints.toUri().toString(),
                                        SavepointFormatType.CANONICAL)
                                .get(120, TimeUnit.SECONDS);
                job.cancel().get(60, TimeUnit.SECONDS);
                job = submit(settings, savepoint);
                send(producer, "restored", pictures, sent);
                all = read(kafka, sent.size());
                assertThat(all)
                        .extracting(c -> c.getFrame().getFrameId().toString())
                        .containsExactlyInAnyOrderElementsOf(sent);
                assertThat(startingWith(all, "restored/"))
                        .hasSize(pictures.size())
                        .allSatisfy(c -> assertThat(c.getModelId().toString()).isEqualTo(NEW));
            } finally {
                job.cancel();
            }
        }
    }

    private static Configuration settings(EmbeddedKafkaBroker kafka, Path models) {
        Configuration settings = new Configuration();
        settings.setString("ocellus.kafka.bootstrap-servers", kafka.bootstrapServers());
        settings.setString("ocellus.kafka.input-topic", "frames");
        settings.setString("ocellus.kafka.classifications-topic", "classifications");
        settings.setString("ocellus.kafka.dead-letter-topic", "dead-letters");
        settings.setString("ocellus.kafka.model-updates-topic", UPDATES);
        settings.setString("ocellus.kafka.output-format", "single-object");
        settings.setString("ocellus.job.name", "ocellus-model-swap-it");
        settings.setString("ocellus.model.path", models.toString());
        settings.setString("ocellus.model.alpha", "0.25");
        settings.setString("ocellus.model.resolution", "128");
        settings.setString("ocellus.model.intra-op-threads", "2");
        settings.setString("ocellus.batching.size", "4");
        return settings;
    }

    private static JobClient submit(Configuration settings, String savepoint) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        if (savepoint != null) {
            Configuration restore = new Configuration();
            restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            env.configure(restore);
        }
        env.setParallelism(PARALLELISM);
        env.enableCheckpointing(300);
        StreamJob.define(env, Jobs.streamJob(settings));
        return env.executeAsync("ocellus-model-swap-it");
    }

    /** Sends the pictures as frames {@code prefix/name}, over two cameras (both partitions). */
    private static void send(
            KafkaProducer<byte[], byte[]> producer,
            String prefix,
            Map<String, byte[]> pictures,
            List<String> sent) {
        for (Map.Entry<String, byte[]> picture : pictures.entrySet()) {
            String id = prefix + "/" + picture.getKey();
            producer.send(
                    FrameClients.rawFrame(
                            "frames", "cam-" + sent.size() % 2, id, picture.getValue()));
            sent.add(id);
        }
        producer.flush();
    }

    /** The README's model-update block, run with bash in {@code dir}. */
    private static void runReadmeExample(EmbeddedKafkaBroker kafka, Path models, Path dir)
            throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int section = readme.indexOf("### Swapping the model while the job runs");
        int start = readme.indexOf("```sh\n", section) + "```sh\n".length();
        String block = readme.substring(start, readme.indexOf("```", start));
        Files.createDirectories(dir);
        ProcessBuilder bash = new ProcessBuilder("bash", "-euc", block).directory(dir.toFile());
        bash.environment().put("MODELS", models.toString());
        bash.environment().put("BROKER", kafka.bootstrapServers());
        Process run = bash.redirectErrorStream(true).start();
        String out = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(run.waitFor()).as(block + out).isZero();
    }

    private static void update(KafkaProducer<byte[], byte[]> producer, String record) {
        producer.send(new ProducerRecord<>(UPDATES, null, record.getBytes(StandardCharsets.UTF_8)));
        producer.flush();
    }

    private static List<Classification> read(EmbeddedKafkaBroker kafka, int expected)
            throws Exception {
        return FrameClients.readCommitted(
                kafka.bootstrapServers(),
                "classifications",
                Classification.class,
                KafkaCodec.Settings.of(WireFormat.SINGLE_OBJECT),
                expected,
                Duration.ofMillis(800),
                Duration.ofSeconds(60));
    }

    private static List<Classification> startingWith(List<Classification> all, String prefix) {
        return all.stream()
                .filter(c -> c.getFrame().getFrameId().toString().startsWith(prefix))
                .toList();
    }

    /** The 0.5_160 model's answers outside Flink, decoded as the job decodes with updates on. */
    private static Map<String, Prediction> reference(Path models, Map<String, byte[]> pictures)
            throws Exception {
        Map<String, Prediction> answers = new HashMap<>();
        try (InferenceEngine engine =
                        InferenceEngine.open(
                                ModelLocator.locate(models.toString(), 0.5, 160, null),
                                EngineOptions.builder().optIntraOpThreads(2).build());
                ScaledJpegDecoder scaler = new ScaledJpegDecoder()) {
            ImageDecoder decoder = new ImageDecoder().withJpegScaling(scaler, 224);
            for (Map.Entry<String, byte[]> picture : pictures.entrySet()) {
                RgbImage image = decoder.decode(picture.getValue());
                answers.put(
                        picture.getKey(), engine.infer(List.of(image), Outputs.classes(2)).get(0));
            }
        }
        return answers;
    }

    /**
     * The job's top label where the reference's leads clearly; scores close. The job runs batches
     * of up to 4, the reference single images: the same scores either way (BatchInvarianceTest).
     */
    private static void assertSameLabels(
            List<Classification> results, Map<String, Prediction> reference) {
        int compared = 0;
        for (Classification c : results) {
            String name = c.getFrame().getFrameId().toString().substring("after/".length());
            Prediction expected = reference.get(name);
            var top = expected.top();
            if (top.get(0).score() - top.get(1).score() < 0.05) {
                continue;
            }
            compared++;
            assertThat(c.getTop().get(0).getLabel().toString())
                    .as(name)
                    .isEqualTo(top.get(0).label());
            assertThat((double) c.getTop().get(0).getScore())
                    .as(name)
                    .isCloseTo(top.get(0).score(), org.assertj.core.data.Offset.offset(0.01));
        }
        assertThat(compared).isGreaterThanOrEqualTo(results.size() / 2);
    }

    /**
     * The sum over the inference operator's subtasks of {@code name}, read from Flink's REST API
     * until it reaches {@code expected} (the API refreshes metrics every few seconds) or 40 s pass.
     */
    private static long metric(URI rest, JobClient job, String name, long expected)
            throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        ObjectMapper json = new ObjectMapper();
        String base = rest.toString().replaceAll("/$", "") + "/jobs/" + job.getJobID();
        String vertex = null;
        for (JsonNode v : get(http, json, base).get("vertices")) {
            if (v.get("name").asText().contains("inference")) {
                vertex = v.get("id").asText();
            }
        }
        assertThat(vertex).as("the inference vertex").isNotNull();
        String metrics = base + "/vertices/" + vertex + "/subtasks/metrics";
        long value = -1;
        long deadline = System.currentTimeMillis() + 40_000;
        while (value != expected && System.currentTimeMillis() < deadline) {
            String id = null;
            for (JsonNode m : get(http, json, metrics)) {
                if (m.get("id").asText().endsWith("." + name)) {
                    id = m.get("id").asText();
                }
            }
            if (id != null) {
                JsonNode answer = get(http, json, metrics + "?get=" + id + "&agg=sum");
                value = answer.isEmpty() ? -1 : (long) answer.get(0).get("sum").asDouble();
            }
            if (value != expected) {
                Thread.sleep(1000);
            }
        }
        return value;
    }

    private static JsonNode get(HttpClient http, ObjectMapper json, String uri) throws Exception {
        HttpResponse<String> response =
                http.send(
                        HttpRequest.newBuilder(URI.create(uri)).build(),
                        HttpResponse.BodyHandlers.ofString());
        return json.readTree(response.body());
    }
}
