package io.ocellus.pipeline.config;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.ocellus.pipeline.kafka.StreamJobOptions;
import io.ocellus.pipeline.workflow.WorkflowOptions;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.DeliveryGuarantee;

/** The archive job: what it reads, what it computes and where the results go. */
public final class ReprocessOptions {
    /** The tasks {@link #TASKS} may name. */
    public static final List<String> TASK_NAMES =
            List.of("classify", "embed", "features", "detect", "geo");

    public static final ConfigOption<List<String>> INPUTS =
            key("ocellus.reprocess.inputs")
                    .stringType()
                    .asList()
                    .noDefaultValue()
                    .withDescription(
                            "Folders, archives (.zip, .tar, .tar.gz, .tgz) or Avro files (.avro) of"
                                    + " ImageFrame records, separated by ';': local paths or Flink"
                                    + " file-system URIs (file://, s3:// and hdfs:// with Flink's"
                                    + " file-system plugins). Names starting with a dot are passed"
                                    + " over.");

    public static final ConfigOption<String> OUTPUT =
            key("ocellus.reprocess.output")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "A results folder (local path or Flink file-system URI), or 'kafka' for"
                                    + " the Kafka topics (ocellus.kafka.*).");

    public static final ConfigOption<String> FORMAT =
            key("ocellus.reprocess.format")
                    .stringType()
                    .defaultValue("avro")
                    .withDescription(
                            "Part files in the results folder: avro (container files, the schemas"
                                    + " of schemas/) or jsonl (JSON lines).");

    public static final ConfigOption<List<String>> TASKS =
            key("ocellus.reprocess.tasks")
                    .stringType()
                    .asList()
                    .defaultValues("classify")
                    .withDescription(
                            "What to compute: classify, embed, features, detect (boxes from"
                                    + " ocellus.detect.model), geo (needs a geo index;"
                                    + " implied by one), separated by ';' (the command line's"
                                    + " --tasks takes commas).");

    public static final ConfigOption<Boolean> OVERWRITE =
            key("ocellus.reprocess.overwrite")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription("Empty the results folder first instead of resuming into it.");

    private ReprocessOptions() {}

    /** The archive job's Kafka output: a task's topic, else {@code ocellus.<task>}. */
    static StreamJobOptions kafkaOutput(
            ReadableConfig config,
            WorkflowOptions workflow,
            String bootstrap,
            String runId,
            List<String> tasks,
            boolean geo) {
        String deadLetters =
                topic(config, KafkaOptions.DEAD_LETTER_TOPIC, true, "ocellus.dead-letters");
        return Jobs.kafkaJob(config, workflow, bootstrap, "(files)", deadLetters)
                .setJobName("ocellus-reprocess-" + runId)
                .optClassificationsTopic(
                        topic(
                                config,
                                KafkaOptions.CLASSIFICATIONS_TOPIC,
                                tasks.contains("classify"),
                                "ocellus.classifications"))
                .optEmbeddingsTopic(
                        topic(
                                config,
                                KafkaOptions.EMBEDDINGS_TOPIC,
                                tasks.contains("embed"),
                                "ocellus.embeddings"))
                .optFeaturesTopic(
                        topic(
                                config,
                                KafkaOptions.FEATURES_TOPIC,
                                tasks.contains("features"),
                                "ocellus.features"))
                .optGeoTopic(topic(config, KafkaOptions.GEO_TOPIC, geo, "ocellus.geo"))
                .optDetectionsTopic(
                        topic(
                                config,
                                KafkaOptions.DETECTIONS_TOPIC,
                                tasks.contains("detect"),
                                "ocellus.detections"))
                .optGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .optBounded(true)
                .build();
    }

    private static String topic(
            ReadableConfig config,
            org.apache.flink.configuration.ConfigOption<String> option,
            boolean on,
            String fallback) {
        if (!on) {
            return null;
        }
        String topic = Settings.get(config, option);
        return topic != null ? topic : fallback;
    }
}
