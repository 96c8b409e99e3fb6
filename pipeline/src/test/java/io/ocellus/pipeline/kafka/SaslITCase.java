package io.ocellus.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocellus.operators.batch.MicroBatchOptions;
import io.ocellus.operators.decode.DecodeOptions;
import io.ocellus.operators.inference.InferenceTasks;
import io.ocellus.pipeline.testutils.LoopbackMiniCluster;
import io.ocellus.pipeline.testutils.Samples;
import io.ocellus.pipeline.tools.EmbeddedKafkaBroker;
import io.ocellus.pipeline.tools.FrameClients;
import io.ocellus.pipeline.workflow.WorkflowOptions;
import io.ocellus.schemas.Classification;
import io.ocellus.schemas.serde.WireFormat;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectClusterRESTAddress;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Kafka security settings pass through to the job's source and sink: a broker that takes only
 * SASL_PLAINTEXT / PLAIN, the right password gives results, a wrong one fails the job fast with the
 * broker's reason, and the password shows nowhere in what Flink's REST API serves about the job.
 */
class SaslITCase {
    @RegisterExtension static final MiniClusterExtension FLINK = LoopbackMiniCluster.extension();

    private static final String PASSWORD = "alice-s3cret-9f2c";

    @Test
    void runsAgainstASaslPlainBrokerAndKeepsThePasswordOutOfFlink(
            @InjectClusterRESTAddress URI rest) throws Exception {
        Map<String, byte[]> pictures = Samples.pictures();
        Map<String, String> alice = EmbeddedKafkaBroker.saslPlain("alice", PASSWORD);
        try (EmbeddedKafkaBroker kafka =
                EmbeddedKafkaBroker.startWithSaslPlain(Map.of("alice", PASSWORD))) {
            kafka.createTopics(1, List.of("frames", "classifications", "dead-letters"));
            Map<String, byte[]> frames =
                    Map.of(
                            "parrot.jpg", pictures.get("parrot.jpg"),
                            "pets.jpg", pictures.get("pets.jpg"));
            FrameClients.sendRaw(kafka.bootstrapServers(), alice, "frames", "cam", frames);

            StreamJobOptions options = options(kafka, alice, "ocellus-sasl-it");
            assertThat(options.toString()).doesNotContain(PASSWORD).contains("******");
            StreamExecutionEnvironment env = environment();
            StreamJob.define(env, options);
            JobClient job = env.executeAsync("ocellus-sasl-it");
            job.getJobExecutionResult().get(120, TimeUnit.SECONDS);

            List<Classification> results =
                    FrameClients.readCommitted(
                            kafka.bootstrapServers(),
                            alice,
                            "classifications",
                            Classification.class,
                            KafkaCodec.Settings.of(WireFormat.SINGLE_OBJECT),
                            2,
                            Duration.ofSeconds(2),
                            Duration.ofSeconds(30));
            assertThat(results)
                    .extracting(c -> c.getFrame().getFrameId())
                    .containsExactlyInAnyOrder("parrot.jpg", "pets.jpg");

            String id = job.getJobID().toString();
            for (String path :
                    List.of(
                            "/jobs/" + id,
                            "/jobs/" + id + "/config",
                            "/jobs/" + id + "/plan",
                            "/jobs/" + id + "/exceptions",
                            "/jobmanager/config")) {
                assertThat(get(rest, path)).as(path).doesNotContain(PASSWORD);
            }
        }
    }

    @Test
    void aWrongPasswordFailsTheJobFastWithTheBrokersReason() throws Exception {
        try (EmbeddedKafkaBroker kafka =
                EmbeddedKafkaBroker.startWithSaslPlain(Map.of("alice", PASSWORD))) {
            kafka.createTopics(1, List.of("frames", "classifications", "dead-letters"));
            StreamExecutionEnvironment env = environment();
            StreamJob.define(
                    env,
                    options(
                            kafka,
                            EmbeddedKafkaBroker.saslPlain("alice", "not-the-password"),
                            "ocellus-sasl-wrong"));
            long start = System.nanoTime();
            assertThatThrownBy(() -> env.execute("ocellus-sasl-wrong"))
                    .rootCause()
                    .hasMessageContaining("Authentication failed");
            assertThat((System.nanoTime() - start) / 1e9).as("seconds to fail").isLessThan(60);
        }
    }

    private static StreamJobOptions options(
            EmbeddedKafkaBroker kafka, Map<String, String> security, String name) throws Exception {
        WorkflowOptions workflow =
                new WorkflowOptions(
                        Samples.engine(0.25, 128),
                        new InferenceTasks(1, false, false, false),
                        new MicroBatchOptions(4, Duration.ofMillis(100)),
                        DecodeOptions.defaults());
        return StreamJobOptions.builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setInputTopic("frames")
                .setDeadLetterTopic("dead-letters")
                .setJobName(name)
                .setWorkflow(workflow)
                .optClassificationsTopic("classifications")
                .optOutputFormat(WireFormat.SINGLE_OBJECT)
                .optKafkaProperties(security)
                .optBounded(true)
                .build();
    }

    private static StreamExecutionEnvironment environment() {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        Configuration noRestarts = new Configuration();
        noRestarts.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        env.configure(noRestarts);
        env.setParallelism(1);
        env.enableCheckpointing(200);
        return env;
    }

    private static String get(URI rest, String path) throws Exception {
        HttpResponse<String> response =
                HttpClient.newHttpClient()
                        .send(
                                HttpRequest.newBuilder(rest.resolve(path)).build(),
                                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(200);
        return response.body();
    }
}
