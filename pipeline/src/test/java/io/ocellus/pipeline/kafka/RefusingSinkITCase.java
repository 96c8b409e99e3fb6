package io.ocellus.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocellus.operators.batch.MicroBatchOptions;
import io.ocellus.operators.decode.DecodeOptions;
import io.ocellus.operators.inference.InferenceTasks;
import io.ocellus.pipeline.testutils.LoopbackMiniCluster;
import io.ocellus.pipeline.testutils.Results;
import io.ocellus.pipeline.testutils.Samples;
import io.ocellus.pipeline.tools.EmbeddedKafkaBroker;
import io.ocellus.pipeline.tools.FrameClients;
import io.ocellus.pipeline.workflow.WorkflowOptions;
import io.ocellus.schemas.Classification;
import io.ocellus.schemas.DeadLetter;
import io.ocellus.schemas.serde.WireFormat;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A results topic, then the dead-letter topic, set from outside to refuse every record: the task
 * fails and Flink restarts it on a back-off (never a dead letter for a good frame), and once the
 * topic takes records again every frame comes out exactly once, with no process restart.
 */
class RefusingSinkITCase {
    @RegisterExtension static final MiniClusterExtension FLINK = LoopbackMiniCluster.extension();

    /** How long the frames may take once the topic takes records again. */
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Test
    void everyFrameComesOutOnceAfterATopicRefusedRecordsForAWhile() throws Exception {
        byte[] parrot = Samples.pictures().get("parrot.jpg");
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            kafka.createTopics(1, List.of("frames", "classifications", "dead-letters"));
            JobClient job = start(kafka);
            try (Admin admin =
                    Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                Map<String, byte[]> round1 = frames("a", 10, parrot, true);
                limit(admin, "classifications", "200");
                FrameClients.sendRaw(kafka.bootstrapServers(), "frames", "cam", round1);
                Thread.sleep(15_000);
                limit(admin, "classifications", null);
                assertOnce(kafka, round1);

                Map<String, byte[]> round2 = frames("b", 10, parrot, true);
                limit(admin, "dead-letters", "200");
                FrameClients.sendRaw(kafka.bootstrapServers(), "frames", "cam", round2);
                Thread.sleep(15_000);
                limit(admin, "dead-letters", null);
                Map<String, byte[]> both = new LinkedHashMap<>(round1);
                both.putAll(round2);
                assertOnce(kafka, both);
            } finally {
                job.cancel().get();
            }
        }
    }

    /** Good frames, and every fourth one broken (a dead letter). */
    private static Map<String, byte[]> frames(String prefix, int n, byte[] good, boolean broken) {
        Map<String, byte[]> frames = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) {
            frames.put(prefix + i, broken && i % 4 == 3 ? new byte[] {1, 2, 3} : good);
        }
        return frames;
    }

    private static void assertOnce(EmbeddedKafkaBroker kafka, Map<String, byte[]> sent)
            throws Exception {
        long good = sent.values().stream().filter(v -> v.length > 3).count();
        Map<String, Integer> seen = new HashMap<>();
        for (Classification c :
                Results.read(kafka, "classifications", Classification.class, (int) good, WAIT)) {
            seen.merge(c.getFrame().getFrameId(), 1, Integer::sum);
        }
        for (DeadLetter d :
                Results.read(
                        kafka,
                        "dead-letters",
                        DeadLetter.class,
                        (int) (sent.size() - good),
                        WAIT)) {
            seen.merge(d.getFrame().getFrameId(), 1, Integer::sum);
        }
        assertThat(seen.keySet()).containsExactlyInAnyOrderElementsOf(sent.keySet());
        assertThat(seen.values()).containsOnly(1);
    }

    private static void limit(Admin admin, String topic, String bytes) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        AlterConfigOp op =
                bytes == null
                        ? new AlterConfigOp(
                                new ConfigEntry("max.message.bytes", ""),
                                AlterConfigOp.OpType.DELETE)
                        : new AlterConfigOp(
                                new ConfigEntry("max.message.bytes", bytes),
                                AlterConfigOp.OpType.SET);
        Map<ConfigResource, Collection<AlterConfigOp>> ops = Map.of(resource, List.of(op));
        admin.incrementalAlterConfigs(ops).all().get();
    }

    private static JobClient start(EmbeddedKafkaBroker kafka) throws Exception {
        WorkflowOptions workflow =
                new WorkflowOptions(
                        Samples.engine(0.25, 128),
                        new InferenceTasks(3, false, false, false),
                        new MicroBatchOptions(4, Duration.ofMillis(100)),
                        DecodeOptions.defaults());
        StreamJobOptions options =
                StreamJobOptions.builder()
                        .setBootstrapServers(kafka.bootstrapServers())
                        .setInputTopic("frames")
                        .setDeadLetterTopic("dead-letters")
                        .setJobName("ocellus-refusing-sink")
                        .setWorkflow(workflow)
                        .optClassificationsTopic("classifications")
                        .optOutputFormat(WireFormat.SINGLE_OBJECT)
                        .build();
        // Flink's own restart strategy with checkpointing on: exponential-delay, unbounded.
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(1000);
        StreamJob.define(env, options);
        return env.executeAsync(options.jobName());
    }
}
