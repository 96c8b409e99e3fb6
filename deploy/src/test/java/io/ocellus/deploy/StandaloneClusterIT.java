package io.ocellus.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ocellus.pipeline.kafka.KafkaCodec;
import io.ocellus.pipeline.tools.FrameClients;
import io.ocellus.schemas.Classification;
import io.ocellus.schemas.DeadLetter;
import io.ocellus.schemas.serde.WireFormat;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job as users run it: a standalone Flink session cluster (a JobManager and two TaskManagers of
 * one slot each, in their own JVMs, {@code deploy/bin/flink-standalone}) and a Kafka broker in its
 * own process, the job jar submitted over REST (and later with {@code flink run}), frames produced
 * with Debian's {@code kcat}. At parallelism 2 the job runs on both TaskManagers; one killed
 * mid-stream and restarted loses and duplicates nothing (read_committed); a job cancelled with a
 * savepoint and resubmitted from it on the same TaskManager loads TensorFlow fine and goes on where
 * it stopped; an upgrade through a savepoint to other settings and another model keeps every frame
 * exactly once. Every process started here is stopped here.
 */
class StandaloneClusterIT {
    private static final Path ROOT = Path.of(System.getProperty("ocellus.root", "..")).normalize();
    private static final Path CLUSTER_DIR =
            ROOT.resolve("deploy/target/it-cluster").toAbsolutePath();
    private static final String ENTRY = "io.ocellus.pipeline.StreamJobMain";

    /** The Prometheus reporters' port range: ten ports from a free one. */
    private static final int[] METRICS_PORTS = metricsPorts();

    private static Process broker;
    private static String bootstrap;
    private static boolean clusterStarted;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(onPath("kcat"), "kcat not installed (.ci/run installs it): skipped");
        assumeTrue(Files.isDirectory(models()), "MobileNet weights not found: skipped");
        broker =
                new ProcessBuilder(
                                ROOT.resolve("pipeline/bin/ocellus").toString(),
                                "broker",
                                "--partitions",
                                "2",
                                "--topic",
                                "frames",
                                "--topic",
                                "classifications",
                                "--topic",
                                "dead-letters",
                                "--topic",
                                "upgrade-frames",
                                "--topic",
                                "upgrade-classifications",
                                "--topic",
                                "upgrade-dead-letters",
                                "--topic",
                                "sql-frames",
                                "--topic",
                                "sql-labels")
                        .redirectErrorStream(true)
                        .start();
        BufferedReader lines =
                new BufferedReader(
                        new InputStreamReader(broker.getInputStream(), StandardCharsets.UTF_8));
        for (String line; (line = lines.readLine()) != null; ) {
            if (line.startsWith("bootstrap.servers=")) {
                bootstrap = line.substring("bootstrap.servers=".length());
                break;
            }
        }
        assertThat(bootstrap).as("the broker process came up").isNotNull();
        Thread drain = new Thread(() -> lines.lines().forEach(line -> {}), "broker-output");
        drain.setDaemon(true);
        drain.start();
        // Two TaskManagers of one slot each: a job of parallelism 2 spreads over both JVMs.
        cluster("start", "--slots", "1", "--taskmanagers", "2");
        clusterStarted = true;
    }

    @AfterAll
    static void stop() throws Exception {
        if (clusterStarted) {
            cluster("stop");
        }
        if (broker != null) {
            broker.destroy(); // SIGTERM: the broker's shutdown hook stops it and deletes its data
            if (!broker.waitFor(30, TimeUnit.SECONDS)) {
                broker.destroyForcibly().waitFor();
            }
        }
    }

    @Test
    void servesRestAndMetricsOnLoopbackOnly() throws Exception {
        int rest = Integer.parseInt(cluster("rest").strip().replaceAll(".*:", ""));
        List<String> listening = listening();
        assertThat(listening).contains("127.0.0.1:" + rest).doesNotContain("0.0.0.0:" + rest);
        List<String> metrics =
                listening.stream()
                        .filter(
                                address -> {
                                    int port = Integer.parseInt(address.replaceAll(".*:", ""));
                                    return port >= METRICS_PORTS[0] && port <= METRICS_PORTS[1];
                                })
                        .toList();
        // The JobManager and both TaskManagers, each on one port of the range, all on loopback.
        assertThat(metrics)
                .hasSizeGreaterThanOrEqualTo(3)
                .allMatch(a -> a.startsWith("127.0.0.1:"));
        assertThat(listening)
                .filteredOn(a -> a.endsWith(":" + rest) || metrics.contains(a))
                .allMatch(a -> a.startsWith("127.0.0.1:"));
        String scraped = "";
        for (String address : metrics) {
            scraped += http("http://" + address + "/metrics");
        }
        assertThat(scraped).contains("flink_jobmanager_").contains("flink_taskmanager_");
    }

    /** Every listening TCP socket of this machine, as host:port (IPv4 and IPv6 tables). */
    private static List<String> listening() throws IOException {
        List<String> sockets = new ArrayList<>();
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            Path file = Path.of(table);
            if (!Files.isReadable(file)) {
                continue;
            }
            for (String line :
                    Files.readAllLines(file).subList(1, Files.readAllLines(file).size())) {
                String[] fields = line.trim().split("\\s+");
                if (!fields[3].equals("0A")) { // LISTEN
                    continue;
                }
                String[] local = fields[1].split(":");
                sockets.add(host(local[0]) + ":" + Integer.parseInt(local[1], 16));
            }
        }
        return sockets;
    }

    /**
     * A /proc/net address (32-bit words in the machine's little-endian order): 127.0.0.1, 0.0.0.0;
     * IPv4-mapped IPv6 addresses as IPv4; ::1, :: and other IPv6 ones in hex.
     */
    private static String host(String hex) {
        if (hex.length() == 32 && hex.startsWith("0000000000000000FFFF0000")) {
            return host(hex.substring(24));
        }
        if (hex.equals("00000000000000000000000001000000")) {
            return "::1";
        }
        if (hex.length() == 8) {
            int value = (int) Long.parseLong(hex, 16);
            return (value & 0xff)
                    + "."
                    + (value >> 8 & 0xff)
                    + "."
                    + (value >> 16 & 0xff)
                    + "."
                    + (value >>> 24);
        }
        return hex.equals("00000000000000000000000000000000") ? "::" : "ipv6:" + hex;
    }

    private static String http(String uri) throws Exception {
        return java.net.http.HttpClient.newHttpClient()
                .send(
                        java.net.http.HttpRequest.newBuilder(java.net.URI.create(uri)).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static int[] metricsPorts() {
        try (java.net.ServerSocket socket =
                new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            int first = Math.min(socket.getLocalPort(), 65_000);
            return new int[] {first, first + 9};
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void runsOnAStandaloneClusterExactlyOnceThroughATaskManagerCrashAndAResubmission()
            throws Exception {
        String job = submit(true);
        awaitState(job, "RUNNING");
        Map<String, Path> pictures = pictures();

        // Frames from kcat, paced, while the TaskManager is killed and restarted.
        List<String> ids = new ArrayList<>();
        Thread producer =
                new Thread(
                        () -> {
                            try {
                                for (int round = 0; round < 4; round++) {
                                    for (Map.Entry<String, Path> picture : pictures.entrySet()) {
                                        String id = round + "-" + picture.getKey();
                                        produce(id, picture.getValue());
                                        synchronized (ids) {
                                            ids.add(id);
                                        }
                                        Thread.sleep(100);
                                    }
                                }
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        "kcat-producer");
        producer.start();
        Thread.sleep(2500);
        cluster("kill-taskmanager");
        Thread.sleep(2000);
        cluster("start-taskmanager");
        producer.join();
        Path garbage = Files.writeString(CLUSTER_DIR.resolve("garbage.bin"), "not an image");
        produce("garbage", garbage);
        ids.add("garbage");

        List<Classification> classifications =
                read("classifications", Classification.class, ids.size() - 1);
        List<DeadLetter> deadLetters = read("dead-letters", DeadLetter.class, 1);
        List<String> seen = new ArrayList<>();
        classifications.forEach(c -> seen.add(c.getFrame().getFrameId()));
        deadLetters.forEach(d -> seen.add(d.getFrame().getFrameId()));
        assertThat(seen)
                .as("every frame once: no loss, no duplicates")
                .containsExactlyInAnyOrderElementsOf(ids);
        assertThat(deadLetters)
                .singleElement()
                .extracting(DeadLetter::getReasonCode)
                .isEqualTo("UNSUPPORTED_FORMAT");
        assertThat(classifications)
                .filteredOn(c -> c.getFrame().getFrameId().endsWith("-parrot.jpg"))
                .hasSize(4)
                .allMatch(c -> c.getTop().get(0).getLabel().equals("macaw"));
        for (String taskManager : List.of("taskmanager", "taskmanager-2")) {
            assertThat(Files.readString(CLUSTER_DIR.resolve("log/" + taskManager + ".log")))
                    .as("an inference instance ran in %s", taskManager)
                    // Decoding is chained with inference: the task is "decode -> inference -> ...".
                    .containsPattern("Received task [^\\n]*\\binference\\b");
        }

        // Cancelled with a savepoint and resubmitted from it, with `flink run` this time, on the
        // same TaskManager: TensorFlow's natives were loaded by the cluster's class loader, so the
        // new job's class loader finds them; the savepoint's offsets (not the group's committed
        // ones, which a cancel may leave behind) say where it goes on.
        String savepoint =
                cluster("savepoint-and-cancel", job)
                        .lines()
                        .reduce((a, b) -> b)
                        .orElseThrow()
                        .trim();
        awaitState(job, "CANCELED");
        String again = submit(false, savepoint);
        awaitState(again, "RUNNING");
        produce("after-resubmit", pictures.get("parrot.jpg"));
        List<Classification> after =
                read("classifications", Classification.class, classifications.size() + 1);
        assertThat(after)
                .filteredOn(c -> c.getFrame().getFrameId().equals("after-resubmit"))
                .singleElement()
                .extracting(c -> c.getTop().get(0).getLabel())
                .isEqualTo("macaw");
        assertThat(after).hasSize(classifications.size() + 1);
        String log = Files.readString(CLUSTER_DIR.resolve("log/taskmanager.log"));
        assertThat(log).doesNotContain("already loaded in another classloader");
        cluster("cancel", again);
        awaitState(again, "CANCELED");
    }

    /**
     * An upgrade through a savepoint: frames flowing into a job (one instance, 0.25_128, batch 8),
     * a savepoint taken and the job cancelled, and a new job started from it with `flink run -s`
     * and other settings (parallelism 2, batch 4, the 0.5_160 classifier): every frame exactly once
     * across the upgrade, read_committed, and frames sent after it classified by the new model.
     */
    @Test
    void upgradesThroughASavepointWithOtherSettingsAndAnotherModel() throws Exception {
        String jar = System.getProperty("ocellus.job.jar", "target/ocellus-job.jar");
        Map<String, Path> pictures = pictures();
        String first =
                lastLine(
                        cluster(
                                concat(
                                        List.of("run", jar),
                                        upgradeArguments("0.25", "128", "1", "8"))));
        awaitState(first, "RUNNING");
        List<String> ids = java.util.Collections.synchronizedList(new ArrayList<>());
        Thread producer =
                new Thread(
                        () -> {
                            try {
                                for (int round = 0; round < 3; round++) {
                                    for (Map.Entry<String, Path> picture : pictures.entrySet()) {
                                        String id = "u" + round + "-" + picture.getKey();
                                        produce("upgrade-frames", id, picture.getValue());
                                        ids.add(id);
                                        Thread.sleep(150);
                                    }
                                }
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        "kcat-upgrade-producer");
        producer.start();
        // The first job at work: some frames through it before the stop.
        FrameClients.readCommitted(
                bootstrap,
                "upgrade-classifications",
                Classification.class,
                KafkaCodec.Settings.of(WireFormat.SINGLE_OBJECT),
                3,
                Duration.ofMillis(100),
                Duration.ofSeconds(90));
        String savepoint = lastLine(cluster("savepoint-and-cancel", first));
        assertThat(savepoint).contains("savepoint");
        awaitState(first, "CANCELED");
        String second =
                lastLine(
                        cluster(
                                concat(
                                        List.of("run", "-s", savepoint, jar),
                                        upgradeArguments("0.5", "160", "2", "4"))));
        awaitState(second, "RUNNING");
        producer.join();
        produce("upgrade-frames", "after-upgrade", pictures.get("parrot.jpg"));
        ids.add("after-upgrade");

        List<Classification> results =
                FrameClients.readCommitted(
                        bootstrap,
                        "upgrade-classifications",
                        Classification.class,
                        KafkaCodec.Settings.of(WireFormat.SINGLE_OBJECT),
                        ids.size(),
                        Duration.ofSeconds(4),
                        Duration.ofSeconds(120));
        assertThat(results)
                .extracting(c -> c.getFrame().getFrameId())
                .as("every frame once across the upgrade")
                .containsExactlyInAnyOrderElementsOf(ids);
        assertThat(results)
                .extracting(Classification::getModelId)
                .containsOnly("mobilenet_v1_0.25_128", "mobilenet_v1_0.5_160")
                .contains("mobilenet_v1_0.25_128");
        assertThat(results)
                .filteredOn(c -> c.getFrame().getFrameId().equals("after-upgrade"))
                .singleElement()
                .satisfies(
                        c -> {
                            assertThat(c.getModelId()).isEqualTo("mobilenet_v1_0.5_160");
                            assertThat(c.getTop().get(0).getLabel()).isEqualTo("macaw");
                        });
        cluster("cancel", second);
        awaitState(second, "CANCELED");
    }

    private static List<String> upgradeArguments(
            String alpha, String resolution, String parallelism, String batch) {
        return List.of(
                "--model",
                models().toAbsolutePath().toString(),
                "--alpha",
                alpha,
                "--resolution",
                resolution,
                "--bootstrap-servers",
                bootstrap,
                "--input-topic",
                "upgrade-frames",
                "--classifications-topic",
                "upgrade-classifications",
                "--dead-letter-topic",
                "upgrade-dead-letters",
                "--threads",
                "1",
                "--parallelism",
                parallelism,
                "--batch-size",
                batch,
                "--checkpoint-interval-ms",
                "1000",
                "--job-name",
                "ocellus-upgrade-it");
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static String cluster(List<String> args) throws Exception {
        return cluster(args.toArray(String[]::new));
    }

    private static String lastLine(String out) {
        return out.lines().reduce((a, b) -> b).orElseThrow().trim();
    }

    /**
     * Flink's own SQL client (org.apache.flink:flink-sql-client from Maven Central, 2.2.0: the
     * version served) runs deploy/sql/classify-frames.sql against this cluster with the job jar
     * added: ML_PREDICT with the ocellus provider reads raw frames from Kafka and writes one JSON
     * row per frame, read back with kcat (read_committed): the labels and scores of `ocellus
     * classify`, and the bad frame's row carrying its reason.
     */
    @Test
    void runsFlinksOwnSqlClientWithTheOcellusProvider(@TempDir Path tmp) throws Exception {
        String jar = System.getProperty("ocellus.job.jar", "target/ocellus-job.jar");
        Map<String, Path> pictures = pictures();
        for (Map.Entry<String, Path> picture : pictures.entrySet()) {
            produce("sql-frames", picture.getKey(), picture.getValue());
        }
        Path truncated = tmp.resolve("truncated.jpg");
        byte[] parrot = Files.readAllBytes(pictures.get("parrot.jpg"));
        Files.write(truncated, java.util.Arrays.copyOf(parrot, parrot.length / 3));
        produce("sql-frames", "truncated", truncated);

        String sql =
                Files.readString(ROOT.resolve("deploy/sql/classify-frames.sql"))
                        .replace("'topic' = 'frames'", "'topic' = 'sql-frames'")
                        .replace("'topic' = 'labels'", "'topic' = 'sql-labels'");
        Path file = tmp.resolve("classify.sql");
        Files.writeString(file, "SET 'execution.checkpointing.interval' = '1 s';\n" + sql);
        String out =
                run(
                        List.of(
                                ROOT.resolve("deploy/bin/flink-sql-client").toString(),
                                "--jar",
                                Path.of(jar).toAbsolutePath().toString(),
                                "--define",
                                "BOOTSTRAP=" + bootstrap,
                                "--define",
                                "MODELS=" + models().toAbsolutePath(),
                                "--define",
                                "JOB=ocellus-sql-it",
                                "-f",
                                file.toString()),
                        Map.of("OCELLUS_CLUSTER_DIR", CLUSTER_DIR.toString()));
        java.util.regex.Matcher id =
                java.util.regex.Pattern.compile("Job ID: ([0-9a-f]{32})").matcher(out);
        assertThat(id.find()).as(out).isTrue();
        awaitState(id.group(1), "FINISHED");

        String rows =
                run(
                        List.of(
                                "kcat",
                                "-C",
                                "-b",
                                bootstrap,
                                "-t",
                                "sql-labels",
                                "-o",
                                "beginning",
                                "-e",
                                "-q",
                                "-X",
                                "isolation.level=read_committed"),
                        Map.of());
        com.fasterxml.jackson.databind.ObjectMapper json =
                new com.fasterxml.jackson.databind.ObjectMapper();
        Map<String, com.fasterxml.jackson.databind.JsonNode> byFrame = new LinkedHashMap<>();
        for (String line : rows.lines().filter(l -> l.startsWith("{")).toList()) {
            com.fasterxml.jackson.databind.JsonNode row = json.readTree(line);
            assertThat(byFrame.put(row.get("frame_id").asText(), row)).as("once: " + line).isNull();
        }
        List<String> expected = new ArrayList<>(pictures.keySet());
        expected.add("truncated");
        assertThat(byFrame.keySet()).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(byFrame.get("truncated").get("error").asText()).startsWith("UNDECODABLE:");
        assertThat(byFrame.get("truncated").get("label").isNull()).isTrue();

        List<String> classify =
                new ArrayList<>(
                        List.of(
                                ROOT.resolve("pipeline/bin/ocellus").toString(),
                                "classify",
                                "--top",
                                "1"));
        classify.addAll(modelArguments());
        pictures.values().forEach(p -> classify.add(p.toString()));
        for (String line :
                run(classify, Map.of()).lines().filter(l -> l.startsWith("{")).toList()) {
            com.fasterxml.jackson.databind.JsonNode answer = json.readTree(line);
            String name = Path.of(answer.get("file").asText()).getFileName().toString();
            com.fasterxml.jackson.databind.JsonNode row = byFrame.get(name);
            assertThat(row.get("error").isNull()).as(name).isTrue();
            assertThat(row.get("label").asText())
                    .as(name)
                    .isEqualTo(answer.at("/top/0/label").asText());
            assertThat(row.get("score").asDouble())
                    .as(name)
                    .isCloseTo(
                            answer.at("/top/0/score").asDouble(),
                            org.assertj.core.data.Offset.offset(1e-4));
        }
    }

    @Test
    void reprocessesAnArchiveInBatchModeWithFlinkRun(@TempDir Path tmp) throws Exception {
        Map<String, Path> pictures = pictures();
        Path zip = tmp.resolve("pictures.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (Map.Entry<String, Path> picture : pictures.entrySet()) {
                out.putNextEntry(new ZipEntry(picture.getKey()));
                out.write(Files.readAllBytes(picture.getValue()));
                out.closeEntry();
            }
            out.putNextEntry(new ZipEntry("notes.txt"));
            out.write("not a picture".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        String jar = System.getProperty("ocellus.job.jar", "target/ocellus-job.jar");
        String out =
                cluster(
                        "run-attached",
                        "-c",
                        "io.ocellus.pipeline.ReprocessJobMain",
                        jar,
                        "--input",
                        zip.toString(),
                        "--output",
                        tmp.resolve("results").toString(),
                        "--model",
                        models().toAbsolutePath().toString(),
                        "--alpha",
                        "0.25",
                        "--resolution",
                        "128",
                        "--parallelism",
                        "2");
        int entries = pictures.size() + 1;
        assertThat(out)
                .contains(
                        String.format(
                                "reprocess: %d entries: %d results, 1 dead letters"
                                        + " (UNSUPPORTED_FORMAT 1), 0 skipped",
                                entries, entries - 1));
        try (Stream<Path> parts = Files.list(tmp.resolve("results/classifications"))) {
            assertThat(parts.filter(p -> p.toString().endsWith(".avro"))).isNotEmpty();
        }
    }

    /**
     * Submits over REST ({@code POST /jars/<id>/run}) with every setting as a flag, or with Flink's
     * CLI ({@code flink run}) with the model's settings as Flink configuration ({@code -D}) and the
     * rest as flags.
     */
    private static String submit(boolean rest) throws Exception {
        return submit(rest, null);
    }

    /** As above, resumed from {@code savepoint} (with `flink run`) when it is not null. */
    private static String submit(boolean rest, String savepoint) throws Exception {
        String jar = System.getProperty("ocellus.job.jar", "target/ocellus-job.jar");
        List<String> command = new ArrayList<>();
        if (rest) {
            command.addAll(List.of("submit", jar, ENTRY));
            command.addAll(modelArguments());
        } else {
            command.add("run");
            if (savepoint != null) {
                command.addAll(List.of("-s", savepoint));
            }
            command.addAll(
                    List.of(
                            "-Docellus.model.path=" + models().toAbsolutePath(),
                            "-Docellus.model.alpha=0.25",
                            "-Docellus.model.resolution=128",
                            jar));
        }
        command.addAll(jobArguments());
        String out = cluster(command.toArray(String[]::new));
        return out.lines().reduce((a, b) -> b).orElseThrow().trim();
    }

    private static List<String> modelArguments() {
        return List.of(
                "--model",
                models().toAbsolutePath().toString(),
                "--alpha",
                "0.25",
                "--resolution",
                "128");
    }

    private static List<String> jobArguments() {
        return List.of(
                "--bootstrap-servers",
                bootstrap,
                "--input-topic",
                "frames",
                "--classifications-topic",
                "classifications",
                "--dead-letter-topic",
                "dead-letters",
                "--threads",
                "1",
                "--parallelism",
                "2",
                "--checkpoint-interval-ms",
                "1000",
                "--job-name",
                "ocellus-standalone-it");
    }

    private static void awaitState(String job, String state) throws Exception {
        long deadline = System.currentTimeMillis() + 90_000;
        String now = "";
        while (System.currentTimeMillis() < deadline) {
            now = cluster("job", job).trim();
            if (now.equals(state)) {
                return;
            }
            Thread.sleep(500);
        }
        throw new AssertionError("job " + job + " is " + now + ", not " + state);
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> List<T> read(
            String topic, Class<T> type, int expected) throws IOException {
        return FrameClients.readCommitted(
                bootstrap,
                topic,
                type,
                KafkaCodec.Settings.of(WireFormat.SINGLE_OBJECT),
                expected,
                Duration.ofSeconds(4),
                Duration.ofSeconds(120));
    }

    /** Sends one file as a raw frame with kcat: key = source id, header frame-id. */
    private static void produce(String id, Path file) throws Exception {
        produce("frames", id, file);
    }

    /** Sends one file as a raw frame to {@code topic}. */
    private static void produce(String topic, String id, Path file) throws Exception {
        run(
                List.of(
                        "kcat",
                        "-P",
                        "-b",
                        bootstrap,
                        "-t",
                        topic,
                        "-k",
                        "camera-7",
                        "-H",
                        "frame-id=" + id,
                        "-X",
                        "message.max.bytes=16000000",
                        file.toString()),
                Map.of());
    }

    private static String cluster(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(ROOT.resolve("deploy/bin/flink-standalone").toString());
        command.addAll(List.of(args));
        return run(
                command,
                Map.of(
                        "OCELLUS_CLUSTER_DIR",
                        CLUSTER_DIR.toString(),
                        "OCELLUS_METRICS_PORTS",
                        METRICS_PORTS[0] + "-" + METRICS_PORTS[1]));
    }

    private static String run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(env);
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(180, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed:\n" + out);
        }
        return out;
    }

    private static Path models() {
        return Path.of(System.getProperty("ocellus.model.dir", "../../shared/models/mobilenet_v1"));
    }

    private static Map<String, Path> pictures() throws IOException {
        Path images = Path.of(System.getProperty("ocellus.images.dir", "../../shared/images"));
        Map<String, Path> pictures = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(images)) {
            files.filter(f -> f.toString().matches(".*\\.(jpg|bmp)"))
                    .sorted()
                    .forEach(f -> pictures.put(f.getFileName().toString(), f));
        }
        return pictures;
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv("PATH").split(":")) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
