package io.ocellus.pipeline.kafka;

import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One connection to the Kafka cluster with a job's client settings before the job is submitted, so
 * that settings the broker refuses fail at once, with a message that says what is wrong, instead of
 * as a task failure that restarts forever: a broker certificate that the truststore does not trust,
 * that has expired or names another host; a refused SASL login; a topic the job reads or writes
 * that does not exist (which would otherwise fail the job over every few seconds, for as long as it
 * runs, or only when the first frame is written). A control topic (model or geo index updates) of
 * more than one partition is warned about: records in different partitions have no order, so
 * updates could be applied out of the order they were sent. A broker that does not answer in time
 * is only logged: the job starts and its clients keep trying, as Kafka clients do.
 */
public final class KafkaPreflight {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaPreflight.class);

    /** How long the check waits for the cluster. */
    static final Duration TIMEOUT = Duration.ofSeconds(20);

    private KafkaPreflight() {}

    /** Checks the client settings and every topic of the stream job {@code options}. */
    public static void check(StreamJobOptions options) {
        Map<String, String> topics = outputs(options);
        topics.put(options.inputTopic(), "the input topic");
        check(options.bootstrapServers(), options.clientProperties(), topics);
    }

    /** Checks the client settings and the output topics of a job that reads no topic. */
    public static void checkOutputs(StreamJobOptions options) {
        check(options.bootstrapServers(), options.clientProperties(), outputs(options));
    }

    /** The topics the job writes and its control topics, each with its role. */
    private static Map<String, String> outputs(StreamJobOptions o) {
        Map<String, String> topics = new LinkedHashMap<>();
        put(topics, o.classificationsTopic(), "the classifications topic");
        put(topics, o.embeddingsTopic(), "the embeddings topic");
        put(topics, o.featuresTopic(), "the features topic");
        put(topics, o.detectionsTopic(), "the detections topic");
        put(topics, o.geoTopic(), "the geo topic");
        put(topics, o.deadLetterTopic(), "the dead-letter topic");
        put(topics, o.modelUpdatesTopic(), CONTROL + "model-updates topic");
        put(topics, o.geoIndexUpdatesTopic(), CONTROL + "geo-index-updates topic");
        return topics;
    }

    private static final String CONTROL = "the control topic, the ";

    private static void put(Map<String, String> topics, String topic, String role) {
        if (topic != null) {
            topics.merge(topic, role, (a, b) -> a + " and " + b);
        }
    }

    /**
     * Connects to {@code bootstrapServers} with {@code clientProperties} and asks for the cluster's
     * id.
     *
     * @throws KafkaAccessException when the broker refuses the connection's security
     */
    public static void check(String bootstrapServers, Map<String, String> clientProperties) {
        check(bootstrapServers, clientProperties, Map.of());
    }

    /**
     * As {@link #check(String, Map)}, and every topic of {@code topics} (name to role) must exist.
     *
     * @throws KafkaAccessException when the broker refuses the connection's security, or a topic is
     *     missing (the message names each with its role, and the cluster)
     */
    public static void check(
            String bootstrapServers,
            Map<String, String> clientProperties,
            Map<String, String> topics) {
        try (Admin admin = admin(bootstrapServers, clientProperties)) {
            String id =
                    admin.describeCluster()
                            .clusterId()
                            .get(TIMEOUT.toMillis() + 5000, TimeUnit.MILLISECONDS);
            LOG.info(
                    "Kafka cluster {} at {} accepts the job's client settings",
                    id,
                    bootstrapServers);
            checkTopics(admin, id, bootstrapServers, topics);
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

    /**
     * The transaction timeout of an exactly-once job against what the broker allows ({@code
     * transaction.max.timeout.ms}): refused at start when over it (the producers would be refused
     * on every restart), and warned about when a checkpoint, its completion and a restart at the
     * longest back-off can outlast it (the broker would abort a transaction the job still means to
     * commit).
     *
     * @param checkpointMs the checkpoint interval plus the checkpoint timeout
     * @param restartMs the longest delay before a restart
     * @throws KafkaAccessException when the broker would refuse the timeout
     * @throws IllegalArgumentException when the timeout is not a number of milliseconds
     */
    public static void checkTransactions(
            StreamJobOptions options, long checkpointMs, long restartMs) {
        long timeout;
        try {
            timeout = StreamJob.transactionTimeoutMs(options);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "transaction.timeout.ms must be a number of milliseconds, got "
                            + options.clientProperties().get("transaction.timeout.ms"));
        }
        Long allowed = brokerMaxTransactionTimeout(options);
        if (allowed != null && timeout > allowed) {
            throw new KafkaAccessException(
                    String.format(
                            Locale.ROOT,
                            "transaction.timeout.ms %d is over the broker's"
                                    + " transaction.max.timeout.ms %d at %s: give at most %d, or"
                                    + " raise the broker's limit",
                            timeout,
                            allowed,
                            options.bootstrapServers(),
                            allowed),
                    null);
        }
        if (checkpointMs + restartMs > timeout) {
            LOG.warn(
                    "a checkpoint and its completion ({} ms) and a restart at the longest back-off"
                            + " ({} ms) can outlast transaction.timeout.ms {}: the broker would"
                            + " then abort a transaction the job still commits; raise"
                            + " transaction.timeout.ms (the broker allows {}) or checkpoint more"
                            + " often",
                    checkpointMs,
                    restartMs,
                    timeout,
                    allowed == null ? "an unknown maximum" : allowed + " ms");
        }
    }

    /** The broker's {@code transaction.max.timeout.ms}, or null when it cannot be read. */
    private static Long brokerMaxTransactionTimeout(StreamJobOptions options) {
        try (Admin admin = admin(options.bootstrapServers(), options.clientProperties())) {
            Node node =
                    admin.describeCluster()
                            .nodes()
                            .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                            .iterator()
                            .next();
            ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, node.idString());
            ConfigEntry entry =
                    admin.describeConfigs(List.of(broker))
                            .all()
                            .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                            .get(broker)
                            .get("transaction.max.timeout.ms");
            return entry == null || entry.value() == null ? null : Long.valueOf(entry.value());
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.warn(
                    "cannot read the broker's transaction.max.timeout.ms at {} ({}); not checked",
                    options.bootstrapServers(),
                    e.toString());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** An admin client with the job's client settings and the preflight's time limits. */
    private static Admin admin(String bootstrapServers, Map<String, String> clientProperties) {
        Map<String, Object> config = new HashMap<>(clientProperties);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis() / 2);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        config.put(AdminClientConfig.CLIENT_ID_CONFIG, "ocellus-preflight");
        return Admin.create(config);
    }

    /** Refuses missing topics; warns of control topics with several partitions. */
    private static void checkTopics(
            Admin admin, String cluster, String bootstrapServers, Map<String, String> topics)
            throws InterruptedException, TimeoutException {
        if (topics.isEmpty()) {
            return;
        }
        Map<String, KafkaFuture<TopicDescription>> found =
                admin.describeTopics(topics.keySet()).topicNameValues();
        List<String> missing = new ArrayList<>();
        for (Map.Entry<String, String> topic : topics.entrySet()) {
            try {
                TopicDescription description =
                        found.get(topic.getKey()).get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                if (topic.getValue().contains(CONTROL) && description.partitions().size() > 1) {
                    LOG.warn(
                            "{} ({}) has {} partitions: records in different partitions have no"
                                    + " order, so updates may be applied out of the order they"
                                    + " were sent; give it one partition",
                            topic.getKey(),
                            topic.getValue(),
                            description.partitions().size());
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                    missing.add("'" + topic.getKey() + "' (" + topic.getValue() + ")");
                } else {
                    LOG.warn(
                            "cannot describe topic {} ({}): {}; starting the job anyway",
                            topic.getKey(),
                            topic.getValue(),
                            e.getCause().toString());
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new KafkaAccessException(
                    String.format(
                            Locale.ROOT,
                            "Kafka cluster %s at %s has no topic %s: create %s (kafka-topics.sh"
                                    + " --bootstrap-server %s --create --topic NAME), or name"
                                    + " existing ones",
                            cluster,
                            bootstrapServers,
                            String.join(", ", missing),
                            missing.size() == 1 ? "it" : "them",
                            bootstrapServers),
                    null);
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

    /**
     * The cluster refused the job's client settings, or lacks a topic the job needs; the message
     * says what and why.
     */
    public static final class KafkaAccessException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        KafkaAccessException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
