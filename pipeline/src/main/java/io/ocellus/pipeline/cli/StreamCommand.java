package io.ocellus.pipeline.cli;

import io.ocellus.pipeline.kafka.StreamJob;
import io.ocellus.pipeline.kafka.StreamJobOptions;
import io.ocellus.pipeline.local.LocalFlink;
import java.util.concurrent.Callable;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ocellus stream}: the streaming job. From a shell it runs on a local cluster in this JVM;
 * the same main class runs under {@code flink run}.
 */
@Command(
        name = "stream",
        mixinStandardHelpOptions = true,
        description =
                "Run the streaming job: frames from a Kafka topic through MobileNet to Avro result topics.")
public final class StreamCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ModelOptions model;

    @Mixin StreamOptions stream;

    @Option(names = "--bootstrap-servers", required = true, description = "The Kafka cluster.")
    String bootstrapServers;

    @Option(names = "--input-topic", required = true, description = "Where frames arrive.")
    String inputTopic;

    @Option(
            names = "--classifications-topic",
            description = "Where classifications go; leave out to switch classification off.")
    String classificationsTopic;

    @Option(
            names = "--embeddings-topic",
            description = "Where embeddings go; leave out to switch embeddings off.")
    String embeddingsTopic;

    @Option(
            names = "--features-topic",
            description = "Where detection feature maps go; leave out to switch them off.")
    String featuresTopic;

    @Option(
            names = "--geo-topic",
            description =
                    "Where geo estimates go (GeoEstimate records); needs --geo-index. Leave out to switch them off.")
    String geoTopic;

    @Option(
            names = "--geo-index-updates-topic",
            description =
                    "A topic whose record values are URIs of new geo index versions: each is loaded and replaces the index while the job runs (no restart, no frame lost). Read from the job's committed offsets, else from the end.")
    String geoIndexUpdatesTopic;

    @Option(
            names = "--dead-letter-topic",
            required = true,
            description = "Where frames that cannot be processed go, with the reason.")
    String deadLetterTopic;

    @Option(
            names = "--job-name",
            defaultValue = "ocellus-stream",
            description =
                    "Names the job, its consumer group and its transactional ids; must differ between jobs. Default: ${DEFAULT-VALUE}.")
    String jobName;

    @Option(
            names = "--bounded",
            description = "Stop at the input offsets seen at start (backfills, tests).")
    boolean bounded;

    @Override
    public Integer call() throws Exception {
        StreamJobOptions options =
                StreamJobOptions.builder()
                        .setBootstrapServers(bootstrapServers)
                        .setInputTopic(inputTopic)
                        .setDeadLetterTopic(deadLetterTopic)
                        .setJobName(jobName)
                        .setWorkflow(
                                stream.workflow(
                                        model,
                                        classificationsTopic != null,
                                        embeddingsTopic != null,
                                        featuresTopic != null))
                        .optInputFormat(stream.inputFormat)
                        .optClassificationsTopic(classificationsTopic)
                        .optEmbeddingsTopic(embeddingsTopic)
                        .optFeaturesTopic(featuresTopic)
                        .optGeoTopic(geoTopic)
                        .optGeoIndexUpdatesTopic(geoIndexUpdatesTopic)
                        .optOutputFormat(stream.kafka.outputFormat)
                        .optGuarantee(stream.guarantee())
                        .optKafkaProperties(stream.kafkaProperties())
                        .optRegistryUrl(stream.kafka.registryUrl)
                        .optBounded(bounded)
                        .build();
        StreamExecutionEnvironment env = LocalFlink.environment();
        if (stream.flags.parallelism != null) {
            env.setParallelism(stream.flags.parallelism);
        }
        if (options.guarantee() == DeliveryGuarantee.EXACTLY_ONCE) {
            StreamJob.checkpointing(env, stream.checkpointMillis);
        }
        StreamJob.define(env, options);
        env.execute(jobName);
        return 0;
    }
}
