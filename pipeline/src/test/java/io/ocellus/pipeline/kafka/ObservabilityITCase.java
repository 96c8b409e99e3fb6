package io.ocellus.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ocellus.models.io.ModelLocator;
import io.ocellus.pipeline.config.Jobs;
import io.ocellus.pipeline.testutils.Samples;
import io.ocellus.pipeline.tools.EmbeddedKafkaBroker;
import io.ocellus.pipeline.tools.FrameClients;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.Test;

/**
 * What an operator sees of a running job: its Prometheus scrape (the embedded cluster's reporter on
 * 127.0.0.1), the headers of its results and dead letters, and the dashboard's queries, all against
 * a real job on the in-process broker.
 */
class ObservabilityITCase {
    private static final String PREFIX = "flink_taskmanager_job_task_operator_";
    private static final Pattern SAMPLE =
            Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*\\})? (\\S+)$");

    @Test
    void scrapesCountsLatencyAndDeadLetterReasonsAndCarriesTraceContext() throws Exception {
        Path models = ModelLocator.defaultDirectory();
        assumeTrue(models != null && Files.isDirectory(models), "weights not found: skipped");
        Map<String, byte[]> good = new LinkedHashMap<>();
        Samples.pictures().entrySet().stream()
                .limit(4)
                .forEach(e -> good.put(e.getKey(), e.getValue()));
        byte[] first = good.values().iterator().next();
        byte[] noise = new byte[2048];
        new Random(5).nextBytes(noise);
        Map<String, byte[]> bad =
                Map.of("truncated", Arrays.copyOf(first, first.length / 3), "noise", noise);
        Map<String, String> traces = new HashMap<>();
        int port = freePort();
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            kafka.createTopics(1, List.of("frames", "classifications", "dead-letters"));
            send(kafka.bootstrapServers(), good, traces);
            send(kafka.bootstrapServers(), bad, traces);
            JobClient job = Jobs.startStream(settings(kafka, models, port));
            try {
                List<ConsumerRecord<byte[], byte[]>> results =
                        read(kafka, "classifications", good.size());
                List<ConsumerRecord<byte[], byte[]>> letters =
                        read(kafka, "dead-letters", bad.size());
                assertHeaders(results, traces, true);
                assertHeaders(letters, traces, false);
                String scrape =
                        awaitScrape(
                                port,
                                body ->
                                        sum(body, "output_records", "output=\"classifications\"")
                                                        == good.size()
                                                && sum(
                                                                body,
                                                                "output_records",
                                                                "output=\"dead-letters\"")
                                                        == bad.size());
                assertMetrics(scrape, good.size(), bad.size());
                assertThat(scrape)
                        .as("the job's health, seen from outside")
                        .containsPattern("flink_jobmanager_job_runningState\\{[^}]*\\} 1\\.0");
                assertDashboardQueriesExist(scrape);
            } finally {
                job.cancel().get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static Configuration settings(EmbeddedKafkaBroker kafka, Path models, int port) {
        Configuration settings = new Configuration();
        settings.setString("ocellus.model.path", models.toString());
        settings.setString("ocellus.model.alpha", "0.25");
        settings.setString("ocellus.model.resolution", "128");
        settings.setString("ocellus.model.intra-op-threads", "2");
        settings.setString("ocellus.kafka.bootstrap-servers", kafka.bootstrapServers());
        settings.setString("ocellus.kafka.input-topic", "frames");
        settings.setString("ocellus.kafka.classifications-topic", "classifications");
        settings.setString("ocellus.kafka.dead-letter-topic", "dead-letters");
        settings.setString("ocellus.job.name", "ocellus-observability-it");
        settings.setString("ocellus.local.metrics-port", String.valueOf(port));
        settings.setString("execution.checkpointing.interval", "500 ms");
        settings.setString("parallelism.default", "1");
        return settings;
    }

    private static void send(
            String bootstrap, Map<String, byte[]> frames, Map<String, String> traces)
            throws IOException {
        Random random = new Random(frames.size());
        try (KafkaProducer<byte[], byte[]> producer = FrameClients.producer(bootstrap, Map.of())) {
            for (Map.Entry<String, byte[]> frame : frames.entrySet()) {
                String trace =
                        String.format(
                                Locale.ROOT,
                                "00-%016x%016x-%016x-01",
                                random.nextLong(),
                                random.nextLong(),
                                random.nextLong());
                traces.put(frame.getKey(), trace);
                ProducerRecord<byte[], byte[]> record =
                        FrameClients.rawFrame("frames", "cam-7", frame.getKey(), frame.getValue());
                record.headers().add(header("traceparent", trace));
                record.headers().add(header("tracestate", "vendor=ocellus-it"));
                record.headers().add(header("camera-zone", "north"));
                producer.send(record);
            }
            producer.flush();
        }
    }

    private static RecordHeader header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(
            EmbeddedKafkaBroker kafka, String topic, int expected) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                FrameClients.committedReader(kafka.bootstrapServers(), Map.of(), "it-" + topic)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 120_000;
            while (records.size() < expected && System.currentTimeMillis() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        assertThat(records).as(topic).hasSize(expected);
        return records;
    }

    private static String text(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void assertHeaders(
            List<ConsumerRecord<byte[], byte[]>> records,
            Map<String, String> traces,
            boolean results) {
        for (ConsumerRecord<byte[], byte[]> record : records) {
            String frameId = text(record, "frame-id");
            assertThat(traces).containsKey(frameId);
            assertThat(text(record, "traceparent")).isEqualTo(traces.get(frameId));
            assertThat(text(record, "tracestate")).isEqualTo("vendor=ocellus-it");
            assertThat(text(record, "source-id")).isEqualTo("cam-7");
            assertThat(text(record, "model-id"))
                    .isEqualTo(results ? "mobilenet_v1_0.25_128" : null);
        }
    }

    private static void assertMetrics(String scrape, int good, int bad) {
        assertThat(sum(scrape, "framesIn", "")).isEqualTo(good + bad);
        assertThat(sum(scrape, "output_latencyMs_count", "output=\"classifications\""))
                .isEqualTo(good);
        assertThat(sum(scrape, "output_kafkaLatencyMs_count", "output=\"classifications\""))
                .isEqualTo(good);
        double median =
                sum(scrape, "output_latencyMs", "output=\"classifications\"", "quantile=\"0.5\"");
        assertThat(median).isGreaterThan(0).isLessThan(300_000);
        assertThat(sum(scrape, "output_stage_reason_deadLetters", "reason=\"UNDECODABLE\""))
                .isEqualTo(1);
        assertThat(sum(scrape, "output_stage_reason_deadLetters", "reason=\"UNSUPPORTED_FORMAT\""))
                .isEqualTo(1);
        assertThat(sum(scrape, "output_model_modelInfo", "model=\"mobilenet_v1_0.25_128\""))
                .isEqualTo(1);
        assertThat(sum(scrape, "batchSize_count", "")).isGreaterThan(0);
        assertThat(names(scrape)).contains(PREFIX + "pendingRecords");
    }

    /** Every metric the Grafana dashboard queries is in the scrape of a running job. */
    private static void assertDashboardQueriesExist(String scrape) throws IOException {
        JsonNode dashboard =
                new ObjectMapper()
                        .readTree(
                                Path.of("..", "deploy", "grafana", "ocellus-dashboard.json")
                                        .toFile());
        Set<String> queried = new TreeSet<>();
        Matcher metric = Pattern.compile("flink_[A-Za-z0-9_]+").matcher("");
        for (JsonNode expr : dashboard.findValues("expr")) {
            metric.reset(expr.asText());
            while (metric.find()) {
                queried.add(metric.group());
            }
        }
        assertThat(queried).hasSizeGreaterThan(8);
        assertThat(names(scrape)).containsAll(queried);
    }

    private static Set<String> names(String scrape) {
        Set<String> names = new TreeSet<>();
        Matcher sample = SAMPLE.matcher(scrape);
        while (sample.find()) {
            names.add(sample.group(1));
        }
        return names;
    }

    /** The sum of the samples of {@code PREFIX + name} whose labels contain every part. */
    private static double sum(String scrape, String name, String... labels) {
        double total = 0;
        Matcher sample = SAMPLE.matcher(scrape);
        while (sample.find()) {
            String l = sample.group(2) == null ? "" : sample.group(2);
            if (sample.group(1).equals(PREFIX + name)
                    && Arrays.stream(labels).allMatch(l::contains)) {
                total += Double.parseDouble(sample.group(3));
            }
        }
        return total;
    }

    private static String awaitScrape(int port, Predicate<String> ready) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request =
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                        .timeout(Duration.ofSeconds(10))
                        .build();
        long deadline = System.currentTimeMillis() + 60_000;
        String body = "";
        while (System.currentTimeMillis() < deadline) {
            try {
                body = http.send(request, HttpResponse.BodyHandlers.ofString()).body();
                if (ready.test(body)) {
                    return body;
                }
            } catch (IOException e) {
                // not serving yet
            }
            Thread.sleep(500);
        }
        throw new AssertionError("the scrape never showed the expected counts:\n" + body);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
