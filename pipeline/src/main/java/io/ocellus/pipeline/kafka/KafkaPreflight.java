package io.ocellus.pipeline.kafka;

import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to the Kafka cluster with a job's client settings before the job is submitted, so
 * that settings the broker refuses fail at once, with a message that says what is wrong, instead of
 * as a task failure that restarts forever: a broker certificate that the truststore does not trust,
 * that has expired or names another host; a refused SASL login. A broker that does not answer in
 * time is only logged: the job starts and its clients keep trying, as Kafka clients do.
 */
public final class KafkaPreflight {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaPreflight.class);

    /** How long the check waits for the cluster. */
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private KafkaPreflight() {}

    /** Checks the client settings of {@code options} against its cluster. */
    public static void check(StreamJobOptions options) {
        check(options.bootstrapServers(), options.clientProperties());
    }

    /**
     * Connects to {@code bootstrapServers} with {@code clientProperties} and asks for the cluster's
     * id.
     *
     * @throws KafkaAccessException when the broker refuses the connection's security
     */
    public static void check(String bootstrapServers, Map<String, String> clientProperties) {
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis() / 2);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "ocellus-preflight");
        try (Admin admin = Admin.create(config)) {
            String id =
                    admin.describeCluster()
                            .clusterId()
                            .get(TIMEOUT.toMillis() + 5000, TimeUnit.MILLISECONDS);
            LOG.info(
                    "Kafka cluster {} at {} accepts the job's client settings",
                    id,
                    bootstrapServers);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthenticationException refused) {
                throw new KafkaAccessException(
                        describe(bootstrapServers, clientProperties, refused), refused);
            }
            LOG.warn(
                    "Kafka at {} did not answer the preflight check ({}); starting the job anyway,"
                            + " its clients keep trying",
                    bootstrapServers,
                    e.getCause().toString());
        } catch (TimeoutException e) {
            LOG.warn(
                    "Kafka at {} did not answer within {} s; starting the job anyway, its clients"
                            + " keep trying",
                    bootstrapServers,
                    TIMEOUT.toSeconds());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted checking Kafka at " + bootstrapServers, e);
        }
    }

    /** What was refused and the likely fix, from the exception's causes. */
    static String describe(
            String bootstrapServers, Map<String, String> clientProperties, Throwable refused) {
        String protocol =
                clientProperties
                        .getOrDefault("security.protocol", "PLAINTEXT")
                        .toUpperCase(Locale.ROOT);
        String reason;
        if (refused instanceof SaslAuthenticationException) {
            reason = "the SASL login was refused (check sasl.jaas.config and sasl.mechanism)";
        } else if (has(refused, CertificateExpiredException.class)) {
            reason = "the broker's certificate has expired (renew it on the broker)";
        } else if (has(refused, CertificateNotYetValidException.class)) {
            reason = "the broker's certificate is not valid yet (check the clocks)";
        } else if (mentions(refused, "subject alternative name")
                || mentions(refused, "No name matching")) {
            reason =
                    "the broker's certificate does not name the host in bootstrap.servers (its"
                            + " subject alternative names must; ssl.endpoint.identification.algorithm)";
        } else if (mentions(refused, "PKIX path")) {
            reason =
                    "the broker's certificate is not signed by a CA in the truststore (check"
                            + " ssl.truststore.location and ssl.truststore.type)";
        } else {
            reason = "the " + protocol + " handshake failed";
        }
        return String.format(
                "Kafka at %s refused the connection (security.protocol %s): %s. Cause: %s",
                bootstrapServers, protocol, reason, root(refused));
    }

    private static boolean has(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static boolean mentions(Throwable e, String text) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && t.getMessage().contains(text)) {
                return true;
            }
        }
        return false;
    }

    private static String root(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.toString();
    }

    /** The cluster refused the job's client settings; the message says what and why. */
    public static final class KafkaAccessException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        KafkaAccessException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
