package io.ocellus.pipeline.cli;

import io.ocellus.pipeline.config.JobOptions;
import io.ocellus.pipeline.config.Jobs;
import io.ocellus.pipeline.config.KafkaOptions;
import io.ocellus.pipeline.kafka.KafkaCodec;
import io.ocellus.pipeline.kafka.StreamJob;
import io.ocellus.pipeline.kafka.StreamJobOptions;
import io.ocellus.pipeline.workflow.WorkflowOptions;
import java.util.List;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;

/**
 * The flags shared by {@code stream}, {@code demo}, {@code bench-pipeline} and {@code soak}: the
 * input format, delivery guarantee and checkpoints, the Kafka client settings and the workflow's,
 * and {@code -D} for any setting.
 */
@Command
public final class StreamOptions extends FlagGroup {
    @Override
    protected List<List<Flag>> flags() {
        return List.of(Flags.DELIVERY, Flags.KAFKA_CLIENT, Flags.WORKFLOW, Flags.GEO_ESTIMATOR);
    }

    @Override
    protected boolean takesAnySetting() {
        return true;
    }

    /**
     * The job on a broker of one's own (demo, bench, soak): raw frames in, classifications and dead
     * letters out, with these settings.
     */
    public StreamJobOptions classificationJob(
            String bootstrapServers,
            String inputTopic,
            String classificationsTopic,
            String deadLetterTopic,
            String jobName,
            boolean bounded,
            WorkflowOptions workflow) {
        return classificationJob(
                bootstrapServers,
                inputTopic,
                classificationsTopic,
                null,
                deadLetterTopic,
                jobName,
                bounded,
                workflow);
    }

    /** As above, with the detector's boxes on {@code detectionsTopic} (null: none). */
    public StreamJobOptions classificationJob(
            String bootstrapServers,
            String inputTopic,
            String classificationsTopic,
            String detectionsTopic,
            String deadLetterTopic,
            String jobName,
            boolean bounded,
            WorkflowOptions workflow) {
        Configuration config = configuration();
        return Jobs.kafkaJob(config, workflow, bootstrapServers, inputTopic, deadLetterTopic)
                .setJobName(jobName)
                .optClassificationsTopic(classificationsTopic)
                .optDetectionsTopic(detectionsTopic)
                .optGuarantee(JobOptions.guarantee(config))
                .optBounded(bounded)
                .build();
    }

    /**
     * The execution environment (a loopback local cluster from a shell) with these settings, the
     * parallelism {@code fallback} and checkpoint interval {@code checkpointMillis} applying when
     * not given (null: the configured or Flink's default), checkpointing as {@link
     * StreamJob#checkpointing} decides.
     */
    public StreamExecutionEnvironment environment(Integer fallback, Long checkpointMillis) {
        Configuration config = configuration();
        if (fallback != null && !config.contains(CoreOptions.DEFAULT_PARALLELISM)) {
            config.set(CoreOptions.DEFAULT_PARALLELISM, fallback);
        }
        if (checkpointMillis != null
                && !config.contains(CheckpointingOptions.CHECKPOINTING_INTERVAL)) {
            config.set(
                    CheckpointingOptions.CHECKPOINTING_INTERVAL,
                    java.time.Duration.ofMillis(checkpointMillis));
        }
        StreamExecutionEnvironment env = Jobs.environment(config);
        StreamJob.checkpointing(env);
        return env;
    }

    public org.apache.flink.connector.base.DeliveryGuarantee guarantee() {
        return JobOptions.guarantee(configuration());
    }

    public KafkaCodec.Settings outputCodec() {
        Configuration config = configuration();
        return KafkaCodec.Settings.from(
                KafkaOptions.outputFormat(config),
                config.get(KafkaOptions.REGISTRY_URL),
                KafkaOptions.clientProperties(config));
    }
}
