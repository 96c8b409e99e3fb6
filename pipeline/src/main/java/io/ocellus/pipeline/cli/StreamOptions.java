package io.ocellus.pipeline.cli;

import io.ocellus.models.ModelException;
import io.ocellus.pipeline.kafka.InputFormat;
import io.ocellus.pipeline.kafka.KafkaCodec;
import io.ocellus.pipeline.kafka.StreamJob;
import io.ocellus.pipeline.kafka.StreamJobOptions;
import io.ocellus.pipeline.local.LocalFlink;
import io.ocellus.pipeline.workflow.WorkflowOptions;
import java.util.Map;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * Options shared by {@code stream}, {@code demo}, {@code bench-pipeline} and {@code soak}: the
 * input format, delivery guarantee and checkpoints, with the Kafka client settings and the
 * workflow's.
 */
public final class StreamOptions {
    @Option(
            names = "--input-format",
            defaultValue = "raw",
            converter = InputFormatConverter.class,
            description =
                    "raw (the value is the image; key = source id; headers frame-id, content-type, event-time, latitude, longitude), avro-binary, avro-single-object, or avro-registry (a schema registry's layout: byte 0, 4-byte schema id, Avro body; needs --registry-url). Default: ${DEFAULT-VALUE}.")
    InputFormat inputFormat;

    @Mixin KafkaClientOptions kafka;

    @Mixin WorkflowFlags flags;

    @Option(
            names = "--at-least-once",
            description =
                    "Deliver at least once instead of exactly once (no transactions; results appear without waiting for checkpoints).")
    boolean atLeastOnce;

    @Option(
            names = "--checkpoint-interval-ms",
            description =
                    "Checkpoint interval; exactly-once results appear about one interval after their frames. Default: the configured execution.checkpointing.interval (-D, the cluster's config.yaml), else 5000.")
    Long checkpointMillis;

    /**
     * The job on a broker of one's own (demo, bench, soak): raw frames in, classifications and dead
     * letters out, with these options.
     */
    public StreamJobOptions classificationJob(
            String bootstrapServers,
            String inputTopic,
            String classificationsTopic,
            String deadLetterTopic,
            String jobName,
            boolean bounded,
            WorkflowOptions workflow) {
        return StreamJobOptions.builder()
                .setBootstrapServers(bootstrapServers)
                .setInputTopic(inputTopic)
                .setDeadLetterTopic(deadLetterTopic)
                .setJobName(jobName)
                .setWorkflow(workflow)
                .optClassificationsTopic(classificationsTopic)
                .optOutputFormat(kafka.outputFormat)
                .optGuarantee(guarantee())
                .optKafkaProperties(kafkaProperties())
                .optRegistryUrl(kafka.registryUrl)
                .optBounded(bounded)
                .build();
    }

    /**
     * The execution environment (a loopback local cluster from a shell) with {@code --parallelism},
     * else {@code fallback} when not null, checkpointing as {@link StreamJob#checkpointing} decides
     * for an interval of {@code checkpointMillis} (null: as configured).
     */
    public StreamExecutionEnvironment environment(Integer fallback, Long checkpointMillis) {
        StreamExecutionEnvironment env = LocalFlink.environment();
        Integer chosen = flags.parallelism != null ? flags.parallelism : fallback;
        if (chosen != null) {
            env.setParallelism(chosen);
        }
        StreamJob.checkpointing(env, checkpointMillis);
        return env;
    }

    /** The workflow's flags. */
    public WorkflowFlags flags() {
        return flags;
    }

    /** The checkpoint interval asked for, or null for the configured one. */
    public Long checkpointMillis() {
        return checkpointMillis;
    }

    public DeliveryGuarantee guarantee() {
        return atLeastOnce ? DeliveryGuarantee.AT_LEAST_ONCE : DeliveryGuarantee.EXACTLY_ONCE;
    }

    public KafkaCodec.Settings outputCodec() {
        return kafka.outputCodec();
    }

    Map<String, String> kafkaProperties() {
        return kafka.kafkaProperties();
    }

    public WorkflowOptions workflow(
            ModelOptions model, boolean classifications, boolean embeddings, boolean features)
            throws ModelException, java.io.IOException {
        return flags.workflow(model, classifications, embeddings, features);
    }

    static final class InputFormatConverter
            implements picocli.CommandLine.ITypeConverter<InputFormat> {
        @Override
        public InputFormat convert(String value) {
            return InputFormat.parse(value);
        }
    }
}
