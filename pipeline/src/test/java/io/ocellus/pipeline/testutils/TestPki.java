package io.ocellus.pipeline.testutils;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * A throw-away certificate authority and broker certificates for TLS tests, made with the JDK's
 * {@code keytool} in a folder the test owns (nothing committed): a CA, a broker keystore whose
 * certificate the CA signed for 127.0.0.1, one already expired, a truststore of the CA, and a
 * truststore of another CA that signed nothing here. PKCS12 throughout, one random password.
 */
public final class TestPki {
    private final Path dir;
    private final String password = UUID.randomUUID().toString();

    private TestPki(Path dir) {
        this.dir = dir;
    }

    /** Makes the CA, the truststores and both broker keystores in {@code dir} (a few seconds). */
    public static TestPki create(Path dir) throws IOException, InterruptedException {
        TestPki pki = new TestPki(dir);
        pki.authority("ca", "CN=Ocellus Test CA");
        pki.authority("other-ca", "CN=Someone Else's CA");
        pki.trust("ca", "truststore.p12");
        pki.trust("other-ca", "other-truststore.p12");
        pki.broker("broker.p12", "ca", List.of("-validity", "2"));
        pki.broker("expired-broker.p12", "ca", List.of("-startdate", "-3d", "-validity", "1"));
        return pki;
    }

    /** The keystores' and truststores' password. */
    public String password() {
        return password;
    }

    /** The broker's keystore: key and chain, valid now, for IP 127.0.0.1. */
    public Path brokerKeystore() {
        return dir.resolve("broker.p12");
    }

    /** A broker keystore like {@link #brokerKeystore()} whose certificate expired two days ago. */
    public Path expiredBrokerKeystore() {
        return dir.resolve("expired-broker.p12");
    }

    /** The CA's certificate, for clients. */
    public Path truststore() {
        return dir.resolve("truststore.p12");
    }

    /** Another CA's certificate: trusts nothing the brokers here present. */
    public Path otherTruststore() {
        return dir.resolve("other-truststore.p12");
    }

    private void authority(String alias, String name) throws IOException, InterruptedException {
        keytool(
                "-genkeypair",
                "-alias",
                alias,
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                name,
                "-ext",
                "bc:c",
                "-validity",
                "3",
                "-keystore",
                alias + ".p12");
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                alias,
                "-keystore",
                alias + ".p12",
                "-file",
                alias + ".pem");
    }

    private void trust(String ca, String truststore) throws IOException, InterruptedException {
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                ca,
                "-file",
                ca + ".pem",
                "-keystore",
                truststore);
    }

    private void broker(String keystore, String ca, List<String> validity)
            throws IOException, InterruptedException {
        String stem = keystore.replace(".p12", "");
        keytool(
                "-genkeypair",
                "-alias",
                "broker",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
                "-dname",
                "CN=127.0.0.1",
                "-validity",
                "3",
                "-keystore",
                keystore);
        keytool("-certreq", "-alias", "broker", "-keystore", keystore, "-file", stem + ".csr");
        List<String> sign =
                new ArrayList<>(
                        List.of(
                                "-gencert",
                                "-rfc",
                                "-alias",
                                ca,
                                "-keystore",
                                ca + ".p12",
                                "-infile",
                                stem + ".csr",
                                "-outfile",
                                stem + ".pem",
                                "-ext",
                                "san=ip:127.0.0.1"));
        sign.addAll(validity);
        keytool(sign.toArray(String[]::new));
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                ca,
                "-file",
                ca + ".pem",
                "-keystore",
                keystore);
        keytool("-importcert", "-alias", "broker", "-file", stem + ".pem", "-keystore", keystore);
    }

    private void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", password));
        if (List.of(args).contains("-genkeypair")) {
            command.addAll(List.of("-keypass", password));
        }
        Process process =
                new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException("keytool " + args[0] + " failed: " + output);
        }
    }
}
