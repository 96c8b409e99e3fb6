package io.ocellus.pipeline.testutils;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real Apicurio Registry server (3.x, a Quarkus application that needs Java 21 or later) in its
 * own process on 127.0.0.1, with in-memory storage, from the distribution the build unpacks into
 * {@code target/apicurio-registry}. Stopped by its process handle on {@link #close()}. The JDK is
 * {@code OCELLUS_REGISTRY_JAVA} (a JDK home or a java binary), else the newest JDK 21+ under {@code
 * /usr/lib/jvm}; tests are skipped, with a message, when there is none.
 */
public final class ApicurioRegistry implements AutoCloseable {
    private final Process process;
    private final int port;
    private final TestPki tls;

    private ApicurioRegistry(Process process, int port, TestPki tls) {
        this.process = process;
        this.port = port;
        this.tls = tls;
    }

    /** Starts the server and waits until its API answers. */
    public static ApicurioRegistry start() throws Exception {
        return start(null);
    }

    /**
     * Starts the server serving HTTPS only, with the broker certificate of {@code pki} (signed by
     * its CA for 127.0.0.1), and waits until its API answers.
     */
    public static ApicurioRegistry startWithTls(TestPki pki) throws Exception {
        return start(pki);
    }

    private static ApicurioRegistry start(TestPki pki) throws Exception {
        Path home = Path.of(System.getProperty("ocellus.registry.dir", "target/apicurio-registry"));
        Path runner = home.resolve("quarkus-run.jar");
        assumeTrue(Files.isRegularFile(runner), "Apicurio Registry not unpacked at " + home);
        Optional<Path> java = java21();
        assumeTrue(
                java.isPresent(),
                "no Java 21+ for Apicurio Registry (set OCELLUS_REGISTRY_JAVA): skipped");
        int port = freePort();
        int managementPort = freePort();
        Path tmp = Files.createDirectories(home.resolve("tmp"));
        List<String> command = new ArrayList<>();
        command.add(java.get().toString());
        command.add("-Xmx512m");
        command.add("-Djava.io.tmpdir=" + tmp.toAbsolutePath());
        command.add("-Dquarkus.http.host=127.0.0.1");
        if (pki == null) {
            command.add("-Dquarkus.http.port=" + port);
        } else {
            command.add("-Dquarkus.http.port=" + freePort());
            command.add("-Dquarkus.http.ssl-port=" + port);
            command.add("-Dquarkus.http.insecure-requests=disabled");
            command.add("-Dquarkus.http.ssl.certificate.key-store-file=" + pki.brokerKeystore());
            command.add("-Dquarkus.http.ssl.certificate.key-store-file-type=PKCS12");
            command.add("-Dquarkus.http.ssl.certificate.key-store-password=" + pki.password());
        }
        // its management interface would otherwise listen on 0.0.0.0:9000
        command.add("-Dquarkus.management.host=127.0.0.1");
        command.add("-Dquarkus.management.port=" + managementPort);
        command.add("-jar");
        command.add(runner.toAbsolutePath().toString());
        Process process =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(home.resolve("registry.log").toFile())
                        .start();
        ApicurioRegistry registry = new ApicurioRegistry(process, port, pki);
        try {
            registry.awaitReady(Duration.ofSeconds(90));
        } catch (Exception | Error e) {
            registry.close();
            throw e;
        }
        return registry;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** The v3 API root, what the serdes' {@code apicurio.registry.url} takes. */
    public String url() {
        return (tls == null ? "http" : "https") + "://127.0.0.1:" + port + "/apis/registry/v3";
    }

    /** A GET on the API, for checks; returns the body. */
    public String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> response =
                client().send(
                                HttpRequest.newBuilder(URI.create(url() + path)).build(),
                                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + path + ": HTTP " + response.statusCode());
        }
        return response.body();
    }

    private HttpClient client() throws IOException {
        if (tls == null) {
            return HttpClient.newHttpClient();
        }
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(tls.truststore())) {
                trust.load(in, tls.password().toCharArray());
            }
            TrustManagerFactory factory =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return HttpClient.newBuilder().sslContext(context).build();
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException("cannot trust the test CA", e);
        }
    }

    private void awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(
                        "Apicurio Registry exited with " + process.exitValue() + "; see its log");
            }
            try {
                get("/system/info");
                return;
            } catch (IOException notYet) {
                Thread.sleep(250);
            }
        }
        throw new IllegalStateException("Apicurio Registry did not answer within " + timeout);
    }

    private static Optional<Path> java21() {
        String configured = System.getenv("OCELLUS_REGISTRY_JAVA");
        if (configured != null && !configured.isBlank()) {
            Path path = Path.of(configured);
            return Optional.of(Files.isDirectory(path) ? path.resolve("bin/java") : path);
        }
        if (Runtime.version().feature() >= 21) {
            return Optional.of(Path.of(System.getProperty("java.home"), "bin", "java"));
        }
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter(home -> feature(home) >= 21)
                    .max((a, b) -> Integer.compare(feature(a), feature(b)))
                    .map(home -> home.resolve("bin/java"));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The feature release of a JDK home, from its {@code release} file; 0 when unknown. */
    private static int feature(Path home) {
        try {
            for (String line : Files.readAllLines(home.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String version = line.substring(13).replace("\"", "");
                    return Integer.parseInt(version.split("[.+-]")[0]);
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
