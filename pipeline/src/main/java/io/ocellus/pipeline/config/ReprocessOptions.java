package io.ocellus.pipeline.config;

import static org.apache.flink.configuration.ConfigOptions.key;

import java.util.List;
import org.apache.flink.configuration.ConfigOption;

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
}
