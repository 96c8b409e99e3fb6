package io.ocellus.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocellus.pipeline.kafka.KafkaCodec;
import io.ocellus.pipeline.testutils.LogCapture;
import io.ocellus.pipeline.testutils.LoopbackMiniCluster;
import io.ocellus.pipeline.testutils.Samples;
import io.ocellus.pipeline.testutils.TestPki;
import io.ocellus.pipeline.tools.EmbeddedKafkaBroker;
import io.ocellus.pipeline.tools.FrameClients;
import io.ocellus.schemas.Classification;
import io.ocellus.schemas.serde.WireFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.flink.test.junit5.InjectClusterRESTAddress;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka over TLS, with certificates made for the test ({@link TestPki}): the in-process broker's
 * client listener takes only SSL (or SASL_SSL); {@code ocellus stream} and {@code ocellus reprocess
 * --output kafka} reach it with a truststore named in {@code --kafka-properties-file}; neither the
 * stores' password nor the SASL password shows in the commands' output, the logs (INFO and up,
 * Kafka's clients included) or Flink's REST answers. A truststore of another CA and an expired
 * broker certificate stop the commands at once, saying which.
 */
class TlsITCase {
    @RegisterExtension static final MiniClusterExtension FLINK = LoopbackMiniCluster.extension();

    private static final String SASL_PASSWORD = "bob-tls-s3cret-71d0";
    private static final String[] MODEL = {"--alpha", "0.25", "--resolution", "128"};

    @TempDir static Path dir;
    private static TestPki pki;
    private static Map<String, byte[]> pictures;

    @BeforeAll
    static void certificates() throws Exception {
        pictures = new LinkedHashMap<>();
        Map<String, byte[]> all = Samples.pictures();
        for (String name : List.of("parrot.jpg", "pets.jpg", "grace_hopper.bmp")) {
            pictures.put(name, all.get(name));
        }
        pki = TestPki.create(Files.createDirectories(dir.resolve("pki")));
    }

    @Test
    void theStreamJobRunsThroughAnSslListener(@InjectClusterRESTAddress URI rest) throws Exception {
        Map<String, String> client = ssl(pki.truststore());
        Path properties = write(client, "ssl.properties");
        try (LogCapture logs = LogCapture.start();
                EmbeddedKafkaBroker kafka =
                        EmbeddedKafkaBroker.startWithTls(
                                new EmbeddedKafkaBroker.Tls(pki.brokerKeystore(), pki.password()),
                                Map.of())) {
            kafka.createTopics(
                    1,
                    List.of(
                            "frames",
                            "classifications",
                            "dead-letters",
                            "rp.classifications",
                            "rp.dead-letters"));
            FrameClients.sendRaw(kafka.bootstrapServers(), client, "frames", "cam", pictures);
            CliRun stream = stream(kafka, properties, "ocellus-tls-it");
            assertThat(stream.code()).as(stream.err()).isZero();
            assertThat(frameIds(read(kafka, client, "classifications", 3)))
                    .containsExactlyInAnyOrderElementsOf(pictures.keySet());

            assertThat(logs.size()).as("INFO lines captured").isGreaterThan(100);
            assertThat(logs.text()).contains("security.protocol = SSL");
            for (String text :
                    List.of(stream.out(), stream.err(), logs.text(), restAnswers(rest))) {
                assertThat(text).doesNotContain(pki.password());
            }
        }
    }

    @Test
    void saslSslToo(@InjectClusterRESTAddress URI rest) throws Exception {
        Map<String, String> client = new HashMap<>(ssl(pki.truststore()));
        client.putAll(EmbeddedKafkaBroker.saslPlain("bob", SASL_PASSWORD));
        client.put("security.protocol", "SASL_SSL");
        Path properties = write(client, "sasl-ssl.properties");
        try (LogCapture logs = LogCapture.start();
                EmbeddedKafkaBroker kafka =
                        EmbeddedKafkaBroker.startWithTls(
                                new EmbeddedKafkaBroker.Tls(pki.brokerKeystore(), pki.password()),
                                Map.of("bob", SASL_PASSWORD))) {
            kafka.createTopics(1, List.of("frames", "classifications", "dead-letters"));
            FrameClients.sendRaw(kafka.bootstrapServers(), client, "frames", "cam", pictures);
            CliRun stream = stream(kafka, properties, "ocellus-sasl-ssl-it");
            assertThat(stream.code()).as(stream.err()).isZero();
            assertThat(frameIds(read(kafka, client, "classifications", 3)))
                    .containsExactlyInAnyOrderElementsOf(pictures.keySet());
            assertThat(logs.text()).contains("security.protocol = SASL_SSL");
            for (String text :
                    List.of(stream.out(), stream.err(), logs.text(), restAnswers(rest))) {
                assertThat(text).doesNotContain(pki.password()).doesNotContain(SASL_PASSWORD);
            }
        }
    }

    @Test
    void anUntrustedOrExpiredCertificateStopsTheCommandAtOnceSayingWhich() throws Exception {
        Path untrusting = write(ssl(pki.otherTruststore()), "other-ca.properties");
        try (EmbeddedKafkaBroker kafka =
                EmbeddedKafkaBroker.startWithTls(
                        new EmbeddedKafkaBroker.Tls(pki.brokerKeystore(), pki.password()),
                        Map.of())) {
            kafka.createTopics(1, List.of("frames", "classifications", "dead-letters"));
            long start = System.nanoTime();
            CliRun run = stream(kafka, untrusting, "ocellus-tls-untrusted");
            assertThat(run.code()).isEqualTo(ExitCode.CANNOT_RUN.code());
            assertThat(run.err())
                    .contains("refused the connection (security.protocol SSL)")
                    .contains("not signed by a CA in the truststore")
                    .doesNotContain(pki.password());
            assertThat((System.nanoTime() - start) / 1e9).as("seconds").isLessThan(30);
        }
        Path trusting = write(ssl(pki.truststore()), "ssl-expired.properties");
        try (EmbeddedKafkaBroker kafka =
                EmbeddedKafkaBroker.startWithTls(
                        new EmbeddedKafkaBroker.Tls(pki.expiredBrokerKeystore(), pki.password()),
                        Map.of())) {
            kafka.createTopics(1, List.of("rp.classifications", "rp.dead-letters"));
            long start = System.nanoTime();
            CliRun run =
                    CliRun.of(
                            concat(
                                    "reprocess",
                                    "--input",
                                    Samples.images().toString(),
                                    "--output",
                                    "kafka",
                                    "--bootstrap-servers",
                                    kafka.bootstrapServers(),
                                    "--classifications-topic",
                                    "rp.classifications",
                                    "--dead-letter-topic",
                                    "rp.dead-letters",
                                    "--kafka-properties-file",
                                    trusting.toString(),
                                    "--no-progress"));
            assertThat(run.code()).isEqualTo(ExitCode.CANNOT_RUN.code());
            assertThat(run.err())
                    .contains("certificate has expired")
                    .doesNotContain(pki.password());
            assertThat((System.nanoTime() - start) / 1e9).as("seconds").isLessThan(30);
        }
    }

    private static CliRun stream(EmbeddedKafkaBroker kafka, Path properties, String name) {
        return CliRun.of(
                concat(
                        "stream",
                        "--bootstrap-servers",
                        kafka.bootstrapServers(),
                        "--input-topic",
                        "frames",
                        "--classifications-topic",
                        "classifications",
                        "--dead-letter-topic",
                        "dead-letters",
                        "--kafka-properties-file",
                        properties.toString(),
                        "--job-name",
                        name,
                        "--bounded"));
    }

    private static String[] concat(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of(MODEL));
        return all.toArray(String[]::new);
    }

    private static Map<String, String> ssl(Path truststore) {
        return Map.of(
                "security.protocol",
                "SSL",
                "ssl.truststore.location",
                truststore.toString(),
                "ssl.truststore.password",
                pki.password(),
                "ssl.truststore.type",
                "PKCS12");
    }

    private static Path write(Map<String, String> settings, String name) throws IOException {
        Properties properties = new Properties();
        properties.putAll(settings);
        Path file = dir.resolve(name);
        try (OutputStream out = Files.newOutputStream(file)) {
            properties.store(out, null);
        }
        return file;
    }

    private static List<Classification> read(
            EmbeddedKafkaBroker kafka, Map<String, String> client, String topic, int expected)
            throws IOException {
        return FrameClients.readCommitted(
                kafka.bootstrapServers(),
                client,
                topic,
                Classification.class,
                KafkaCodec.Settings.of(WireFormat.SINGLE_OBJECT),
                expected,
                Duration.ofSeconds(1),
                Duration.ofSeconds(30));
    }

    private static List<String> frameIds(List<Classification> results) {
        return results.stream().map(c -> c.getFrame().getFrameId().toString()).toList();
    }

    static Map<String, String> ssl(Path truststore, String password) {
        return Map.of(
                "security.protocol",
                "SSL",
                "ssl.truststore.location",
                truststore.toString(),
                "ssl.truststore.password",
                password,
                "ssl.truststore.type",
                "PKCS12");
    }

    static Path write(Map<String, String> settings, Path file) throws IOException {
        Properties properties = new Properties();
        properties.putAll(settings);
        try (OutputStream out = Files.newOutputStream(file)) {
            properties.store(out, null);
        }
        return file;
    }

    /** What Flink's REST API says about the cluster and every job it ran. */
    private static String restAnswers(URI rest) throws Exception {
        StringBuilder all = new StringBuilder(get(rest, "/jobmanager/config"));
        String overview = get(rest, "/jobs/overview");
        all.append(overview);
        Matcher jobs = Pattern.compile("\"jid\":\"([0-9a-f]+)\"").matcher(overview);
        int seen = 0;
        while (jobs.find()) {
            seen++;
            for (String path :
                    List.of("", "/config", "/plan", "/exceptions", "/checkpoints/config")) {
                all.append(get(rest, "/jobs/" + jobs.group(1) + path));
            }
        }
        assertThat(seen).as("jobs in the REST API").isPositive();
        return all.toString();
    }

    private static String get(URI rest, String path) throws Exception {
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(
                                                URI.create(
                                                        rest.toString().replaceAll("/$", "")
                                                                + path))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString());
        return response.body();
    }
}
