package io.ocellus.pipeline.tools;

import io.ocellus.pipeline.internal.Directories;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * A real Apache Kafka broker in this JVM: KRaft, broker and controller in one node, bound to
 * 127.0.0.1 only, data in a temporary folder. For the demo and the tests; the one who starts it
 * closes it, which stops the broker and deletes its data.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
 *     kafka.createTopic("frames", 2);
 *     String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
    /** Frames can be large: the broker accepts records up to this size. */
    public static final int MAX_MESSAGE_BYTES = 32 * 1024 * 1024;

    private static final String HOST = "127.0.0.1";

    private final KafkaRaftServer server;
    private final Path dataDir;
    private final int port;
    private final String adminBootstrap;
    private final Map<String, String> adminProperties;
    private boolean closed;

    private EmbeddedKafkaBroker(
            KafkaRaftServer server,
            Path dataDir,
            int port,
            String adminBootstrap,
            Map<String, String> adminProperties) {
        this.server = server;
        this.dataDir = dataDir;
        this.port = port;
        this.adminBootstrap = adminBootstrap;
        this.adminProperties = adminProperties;
    }

    /**
     * The TLS identity of a broker's client listener.
     *
     * @param keystore a PKCS12 keystore with the broker's key and certificate chain
     * @param password the keystore's and the key's password
     */
    public record Tls(Path keystore, String password) {
        @Override
        public String toString() {
            return "Tls[keystore=" + keystore + ", password=******]";
        }
    }

    /** Formats a fresh log directory and starts the broker (about 3 s). */
    public static EmbeddedKafkaBroker start() throws IOException {
        return start(null, Map.of());
    }

    /**
     * A broker whose client listener takes only SASL_PLAINTEXT with the PLAIN mechanism, for these
     * users and passwords (the controller listener stays internal, on loopback).
     */
    public static EmbeddedKafkaBroker startWithSaslPlain(Map<String, String> users)
            throws IOException {
        if (users.isEmpty()) {
            throw new IllegalArgumentException("SASL/PLAIN needs at least one user");
        }
        return start(null, users);
    }

    /**
     * A broker whose client listener takes only TLS: SSL, or SASL_SSL with the PLAIN mechanism when
     * {@code saslUsers} is not empty. The broker's own traffic (controller, topic creation by
     * {@link #createTopics}) goes over a second, plaintext listener, also on loopback.
     */
    public static EmbeddedKafkaBroker startWithTls(Tls tls, Map<String, String> saslUsers)
            throws IOException {
        if (tls == null) {
            throw new IllegalArgumentException("a TLS broker needs a keystore");
        }
        return start(tls, saslUsers);
    }

    private static EmbeddedKafkaBroker start(Tls tls, Map<String, String> saslUsers)
            throws IOException {
        Path dataDir = Files.createTempDirectory("ocellus-kafka-");
        int port = freePort();
        int controllerPort = freePort();
        Properties props = properties(dataDir, port, controllerPort);
        String adminBootstrap = HOST + ":" + port;
        Map<String, String> admin = Map.of();
        String brokerPassword = Uuid.randomUuid().toString();
        String protocol =
                tls == null
                        ? (saslUsers.isEmpty() ? null : "SASL_PLAINTEXT")
                        : (saslUsers.isEmpty() ? "SSL" : "SASL_SSL");
        if (protocol != null) {
            String listeners = protocol + "://" + HOST + ":" + port;
            String map = protocol + ":" + protocol + ",CONTROLLER:PLAINTEXT";
            String interBroker = protocol;
            if (tls != null) {
                int internalPort = freePort();
                listeners += ",INTERNAL://" + HOST + ":" + internalPort;
                map += ",INTERNAL:PLAINTEXT";
                interBroker = "INTERNAL";
                adminBootstrap = HOST + ":" + internalPort;
                String prefix = "listener.name." + protocol.toLowerCase(java.util.Locale.ROOT);
                props.put(prefix + ".ssl.keystore.location", tls.keystore().toString());
                props.put(prefix + ".ssl.keystore.password", tls.password());
                props.put(prefix + ".ssl.key.password", tls.password());
                props.put(prefix + ".ssl.keystore.type", "PKCS12");
            } else {
                admin = saslPlain("broker", brokerPassword);
            }
            props.put("listeners", listeners + ",CONTROLLER://" + HOST + ":" + controllerPort);
            props.put("advertised.listeners", listeners);
            props.put("listener.security.protocol.map", map);
            props.put("inter.broker.listener.name", interBroker);
            if (!saslUsers.isEmpty()) {
                props.put("sasl.enabled.mechanisms", "PLAIN");
                props.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
                props.put(
                        "listener.name."
                                + protocol.toLowerCase(java.util.Locale.ROOT)
                                + ".plain.sasl.jaas.config",
                        jaas(brokerPassword, saslUsers));
            }
        }
        format(dataDir, props);
        KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
        try {
            server.startup();
        } catch (RuntimeException e) {
            server.shutdown();
            Directories.deleteRecursively(dataDir);
            throw e;
        }
        return new EmbeddedKafkaBroker(server, dataDir, port, adminBootstrap, admin);
    }

    /** The PLAIN login module's settings: the broker's own user and the clients'. */
    private static String jaas(String brokerPassword, Map<String, String> users) {
        StringBuilder jaas =
                new StringBuilder(
                        "org.apache.kafka.common.security.plain.PlainLoginModule required"
                                + " username=\"broker\" password=\""
                                + brokerPassword
                                + "\" user_broker=\""
                                + brokerPassword
                                + "\"");
        users.forEach(
                (user, password) ->
                        jaas.append(" user_")
                                .append(user)
                                .append("=\"")
                                .append(password)
                                .append('"'));
        return jaas.append(';').toString();
    }

    /** The client settings of a SASL_PLAINTEXT / PLAIN login. */
    public static Map<String, String> saslPlain(String user, String password) {
        return Map.of(
                "security.protocol",
                "SASL_PLAINTEXT",
                "sasl.mechanism",
                "PLAIN",
                "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\""
                        + user
                        + "\" password=\""
                        + password
                        + "\";");
    }

    /** {@code 127.0.0.1:port}, for clients' {@code bootstrap.servers}. */
    public String bootstrapServers() {
        return HOST + ":" + port;
    }

    /** Creates topics with the given partitions, replication 1, accepting large records. */
    public void createTopics(int partitions, List<String> names) {
        createTopics(
                partitions, names, Map.of("max.message.bytes", String.valueOf(MAX_MESSAGE_BYTES)));
    }

    /** Creates topics with the given partitions, replication 1 and topic settings. */
    public void createTopics(int partitions, List<String> names, Map<String, String> settings) {
        Map<String, Object> config = new HashMap<>(adminProperties);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, adminBootstrap);
        try (Admin admin = Admin.create(config)) {
            List<NewTopic> topics =
                    names.stream()
                            .map(
                                    name ->
                                            new NewTopic(name, partitions, (short) 1)
                                                    .configs(settings))
                            .toList();
            admin.createTopics(topics).all().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create topics " + names, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted creating topics " + names, e);
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            server.shutdown();
            server.awaitShutdown();
        } finally {
            Directories.deleteRecursively(dataDir);
        }
    }

    private static Properties properties(Path dataDir, int port, int controllerPort) {
        Properties props = new Properties();
        props.put("process.roles", "broker,controller");
        props.put("node.id", "1");
        String listeners =
                "PLAINTEXT://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort;
        props.put("listeners", listeners);
        props.put("advertised.listeners", listeners);
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.listener.names", "CONTROLLER");
        props.put("inter.broker.listener.name", "PLAINTEXT");
        props.put("controller.quorum.voters", "1@" + HOST + ":" + controllerPort);
        props.put("log.dirs", dataDir.toString());
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "1");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("transaction.state.log.num.partitions", "1");
        props.put("share.coordinator.state.topic.replication.factor", "1");
        props.put("share.coordinator.state.topic.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("message.max.bytes", String.valueOf(MAX_MESSAGE_BYTES));
        props.put("auto.create.topics.enable", "false");
        return props;
    }

    private static void format(Path dataDir, Properties props) throws IOException {
        Path config = dataDir.resolve("server.properties");
        try (OutputStream out = Files.newOutputStream(config)) {
            props.store(out, "Ocellus embedded Kafka broker");
        }
        PrintStream quiet =
                new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        int code =
                StorageTool.execute(
                        new String[] {
                            "format", "-t", Uuid.randomUuid().toString(), "-c", config.toString()
                        },
                        quiet);
        if (code != 0) {
            throw new IOException("formatting the Kafka log directory failed with code " + code);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
            return socket.getLocalPort();
        }
    }
}
