package io.ocellus.pipeline.cli;

import io.ocellus.pipeline.config.BatchingOptions;
import io.ocellus.pipeline.config.DecodingOptions;
import io.ocellus.pipeline.config.DetectionOptions;
import io.ocellus.pipeline.config.GeoLocationOptions;
import io.ocellus.pipeline.config.InvalidSettingException;
import io.ocellus.pipeline.config.JobOptions;
import io.ocellus.pipeline.config.KafkaOptions;
import io.ocellus.pipeline.config.LocalClusterOptions;
import io.ocellus.pipeline.config.ModelOptions;
import io.ocellus.pipeline.config.ReprocessOptions;
import io.ocellus.pipeline.config.TaskOptions;
import io.ocellus.pipeline.kafka.KafkaPreflight;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Every flag that sets a job setting, grouped as the commands take them. The settings themselves
 * (keys, types, defaults, help) are declared once, in the options classes of {@code
 * io.ocellus.pipeline.config}; a flag only names one and says how its argument is written.
 */
public final class Flags {
    /** The model: {@code ocellus.model.*} but the label file. */
    static final List<Flag> MODEL =
            List.of(
                    Flag.value("--model", ModelOptions.PATH, "FILE|DIR"),
                    Flag.value("--alpha", ModelOptions.ALPHA, "ALPHA"),
                    Flag.value("--resolution", ModelOptions.RESOLUTION, "PIXELS"),
                    Flag.value("--preprocess", ModelOptions.PREPROCESSING, "MODE"),
                    Flag.value("--threads", ModelOptions.INTRA_OP_THREADS, "N"),
                    Flag.value("--inter-op-threads", ModelOptions.INTER_OP_THREADS, "N"),
                    Flag.value("--streams", ModelOptions.STREAMS, "N"),
                    Flag.switching("--float-activations", ModelOptions.FLOAT_ACTIVATIONS, "true"),
                    Flag.value("--precision", ModelOptions.PRECISION, "fp32|bf16|int8|auto"));

    /** The label file, as most commands spell it. */
    static final List<Flag> LABELS = List.of(Flag.value("--labels", ModelOptions.LABELS, "FILE"));

    /** The label file, as {@code eval} spells it ({@code --labels} is its ground truth). */
    static final List<Flag> MODEL_LABELS =
            List.of(Flag.value("--model-labels", ModelOptions.LABELS, "FILE"));

    /** The geo estimator. */
    static final List<Flag> GEO_ESTIMATOR =
            List.of(
                    Flag.value("--geo-k", GeoLocationOptions.K, "K"),
                    Flag.value("--geo-bandwidth-km", GeoLocationOptions.BANDWIDTH_KM, "KM"),
                    Flag.value("--geo-weighting", GeoLocationOptions.WEIGHTING, "WEIGHTING"),
                    Flag.value("--geo-temperature", GeoLocationOptions.TEMPERATURE, "T"),
                    Flag.value(
                            "--geo-fine-bandwidth-km", GeoLocationOptions.FINE_BANDWIDTH_KM, "KM"));

    /** The workflow: tasks' shape, batching, decoding, parallelism, engines, the geo stage. */
    static final List<Flag> WORKFLOW =
            List.of(
                    Flag.value("--top", TaskOptions.TOP_K, "K"),
                    Flag.switching(
                            "--raw-embeddings",
                            TaskOptions.NORMALIZE_EMBEDDINGS,
                            "false",
                            "Do not L2-normalise embeddings."),
                    Flag.value("--batch-size", BatchingOptions.SIZE, "N"),
                    Flag.converted(
                            "--batch-delay-ms",
                            BatchingOptions.MAX_DELAY,
                            "MS",
                            Flags::millis,
                            "100"),
                    Flag.value("--max-pixels", DecodingOptions.MAX_PIXELS, "N"),
                    Flag.converted(
                            "--max-image-bytes",
                            DecodingOptions.MAX_IMAGE_SIZE,
                            "BYTES",
                            v -> v,
                            "33554432 (32 MiB)"),
                    Flag.converted(
                            "--max-decode-ms",
                            DecodingOptions.TIMEOUT,
                            "MS",
                            Flags::millis,
                            "5000"),
                    Flag.converted(
                            "--max-fetch-ms",
                            DecodingOptions.FETCH_TIMEOUT,
                            "MS",
                            Flags::millis,
                            "30000"),
                    Flag.list("--claim-check-root", DecodingOptions.CLAIM_CHECK_ROOTS, "URI"),
                    Flag.switching(
                            "--no-jpeg-scaling",
                            DecodingOptions.JPEG_SCALING,
                            "false",
                            "Decode every JPEG in full, not scaled down in the DCT when large."),
                    Flag.converted(
                            "--parallelism",
                            CoreOptions.DEFAULT_PARALLELISM,
                            "N",
                            v -> v,
                            "the cluster's (a local run: one per core)"),
                    Flag.switching("--engine-per-slot", ModelOptions.ENGINE_PER_SLOT, "true"),
                    Flag.value("--geo-index", GeoLocationOptions.INDEX, "URI"),
                    Flag.value("--geo-search", GeoLocationOptions.SEARCH, "MODE"));

    /** Which boxes a detector keeps. */
    static final List<Flag> DETECTION_QUERY =
            List.of(
                    Flag.value("--min-score", DetectionOptions.MIN_SCORE, "SCORE"),
                    Flag.value("--max-detections", DetectionOptions.MAX_DETECTIONS, "N"));

    /** The detector a job runs beside its classifier. */
    static final List<Flag> DETECTOR =
            List.of(
                    Flag.value("--detector", DetectionOptions.MODEL, "FILE|DIR"),
                    Flag.value("--detector-labels", DetectionOptions.LABELS, "FILE"));

    /** Kafka clients and the output topics' encoding. */
    static final List<Flag> KAFKA_CLIENT =
            List.of(
                    Flag.value("--output-format", KafkaOptions.OUTPUT_FORMAT, "FORMAT"),
                    Flag.value("--registry-url", KafkaOptions.REGISTRY_URL, "URL"),
                    Flag.value("--kafka-properties-file", KafkaOptions.PROPERTIES_FILE, "FILE"),
                    Flag.entries("--kafka-property", KafkaOptions.PROPERTIES));

    /** The streaming job's delivery: input format, guarantee, checkpoints. */
    static final List<Flag> DELIVERY =
            List.of(
                    Flag.value("--input-format", KafkaOptions.INPUT_FORMAT, "FORMAT"),
                    Flag.switching(
                            "--at-least-once",
                            JobOptions.DELIVERY_GUARANTEE,
                            "at-least-once",
                            "Deliver at least once instead of exactly once (no transactions;"
                                    + " results appear without waiting for checkpoints)."),
                    Flag.converted(
                            "--checkpoint-interval-ms",
                            CheckpointingOptions.CHECKPOINTING_INTERVAL,
                            "MS",
                            Flags::millis,
                            "the configured execution.checkpointing.interval, else 5000"),
                    Flag.value("--metrics-port", LocalClusterOptions.METRICS_PORT, "PORT"));

    /** The cluster and the topics. */
    static final List<Flag> TOPICS =
            List.of(
                    Flag.value("--bootstrap-servers", KafkaOptions.BOOTSTRAP_SERVERS, "SERVERS"),
                    Flag.value(
                            "--classifications-topic", KafkaOptions.CLASSIFICATIONS_TOPIC, "TOPIC"),
                    Flag.value("--embeddings-topic", KafkaOptions.EMBEDDINGS_TOPIC, "TOPIC"),
                    Flag.value("--features-topic", KafkaOptions.FEATURES_TOPIC, "TOPIC"),
                    Flag.value("--detections-topic", KafkaOptions.DETECTIONS_TOPIC, "TOPIC"),
                    Flag.value("--geo-topic", KafkaOptions.GEO_TOPIC, "TOPIC"),
                    Flag.value("--dead-letter-topic", KafkaOptions.DEAD_LETTER_TOPIC, "TOPIC"));

    /** The streaming job's own. */
    static final List<Flag> STREAM =
            List.of(
                    Flag.value("--input-topic", KafkaOptions.INPUT_TOPIC, "TOPIC"),
                    Flag.value(
                            "--geo-index-updates-topic",
                            KafkaOptions.GEO_INDEX_UPDATES_TOPIC,
                            "TOPIC"),
                    Flag.value("--model-updates-topic", KafkaOptions.MODEL_UPDATES_TOPIC, "TOPIC"),
                    Flag.value("--job-name", JobOptions.NAME, "NAME"),
                    Flag.switching("--bounded", JobOptions.BOUNDED, "true"));

    /** The archive job's inputs. */
    static final List<Flag> ARCHIVE_INPUT =
            List.of(Flag.list("--input", ReprocessOptions.INPUTS, "PATH"));

    /** The archive job's outputs and tasks. */
    static final List<Flag> REPROCESS =
            List.of(
                    Flag.value("--output", ReprocessOptions.OUTPUT, "DIR|kafka"),
                    Flag.value("--format", ReprocessOptions.FORMAT, "FORMAT"),
                    Flag.converted(
                            "--tasks",
                            ReprocessOptions.TASKS,
                            "TASK[,TASK...]",
                            v -> v.replace(',', ';'),
                            "classify"),
                    Flag.switching("--overwrite", ReprocessOptions.OVERWRITE, "true"));

    /** The name of the option that sets any key: {@code -D key=value}. */
    static final String SET = "-D";

    private static final Map<String, Flag> BY_NAME = index();

    private Flags() {}

    /** Every flag, each once. */
    static List<Flag> all() {
        return List.copyOf(new java.util.LinkedHashSet<>(BY_NAME.values()));
    }

    /** The flag named {@code name} ({@code --batch-size}), or null. */
    static Flag find(String name) {
        return BY_NAME.get(name);
    }

    /**
     * Adds to every command under {@code root} the flags of the {@link FlagGroup}s it mixes in;
     * returns {@code root}. Called once on a command line before it parses.
     */
    public static CommandLine install(CommandLine root) {
        CommandSpec spec = root.getCommandSpec();
        for (CommandSpec mixin : spec.mixins().values()) {
            if (mixin.userObject() instanceof FlagGroup group) {
                for (List<Flag> flags : group.flags()) {
                    for (Flag flag : flags) {
                        if (spec.findOption(flag.name()) == null) {
                            spec.addOption(flag.spec());
                        }
                    }
                }
                if (group.takesAnySetting() && spec.findOption(SET) == null) {
                    spec.addOption(setOption());
                }
            }
        }
        root.getSubcommands().values().forEach(Flags::install);
        return root;
    }

    /** The {@code -D KEY=VALUE} option. */
    static OptionSpec setOption() {
        return OptionSpec.builder(SET, "--set")
                .arity("1")
                .type(List.class)
                .auxiliaryTypes(String.class)
                .paramLabel("KEY=VALUE")
                .description(
                        "Any setting by its key (deploy/CONFIGURATION.md), e.g."
                                + " -D ocellus.batching.size=16 or -D"
                                + " execution.checkpointing.interval=10s; repeatable. A flag for the"
                                + " same setting wins.")
                .build();
    }

    /**
     * The settings given on the command line of {@code spec}'s command: its {@code -D} entries,
     * then its flags over them. Flags not given are absent, so defaults (and a cluster's own
     * configuration) apply.
     */
    static Configuration configuration(CommandSpec spec) {
        ParseResult parsed = spec.commandLine().getParseResult();
        Configuration config = new Configuration();
        if (parsed.hasMatchedOption(SET)) {
            for (String pair : parsed.matchedOption(SET).<List<String>>getValue()) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("-D needs KEY=VALUE, got '" + pair + "'");
                }
                config.setString(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
        for (OptionSpec option : parsed.matchedOptions()) {
            Flag flag = BY_NAME.get(option.longestName());
            if (flag != null && flag.option().key().equals(option.descriptionKey())) {
                flag.apply(config, option.originalStringValues());
            }
        }
        return config;
    }

    /** The flag that sets {@code key}, for messages, or null. */
    static String flagOf(String key) {
        for (Flag flag : BY_NAME.values()) {
            if (flag.option().key().equals(key)) {
                return flag.name();
            }
        }
        return null;
    }

    /**
     * Reports an invalid setting as a usage error (exit code 2) naming the key, the value, what was
     * expected and the flag that sets it; anything else as picocli does.
     */
    public static picocli.CommandLine.IExecutionExceptionHandler invalidSettings() {
        return (e, line, parsed) -> {
            if (e instanceof KafkaPreflight.KafkaAccessException) {
                line.getErr()
                        .println(line.getCommandSpec().qualifiedName() + ": " + e.getMessage());
                return ExitCode.CANNOT_RUN.code();
            }
            if (!(e instanceof InvalidSettingException invalid)) {
                throw e;
            }
            String flag = flagOf(invalid.key());
            line.getErr()
                    .println(
                            line.getCommandSpec().qualifiedName()
                                    + ": "
                                    + e.getMessage()
                                    + (flag == null ? "" : " (flag " + flag + ")"));
            return ExitCode.CANNOT_RUN.code();
        };
    }

    private static String millis(String value) {
        try {
            return Long.parseLong(value.strip()) + " ms";
        } catch (NumberFormatException e) {
            return value;
        }
    }

    private static Map<String, Flag> index() {
        Map<String, Flag> byName = new LinkedHashMap<>();
        for (List<Flag> group :
                List.of(
                        MODEL,
                        LABELS,
                        MODEL_LABELS,
                        GEO_ESTIMATOR,
                        WORKFLOW,
                        DETECTOR,
                        DETECTION_QUERY,
                        KAFKA_CLIENT,
                        DELIVERY,
                        TOPICS,
                        STREAM,
                        ARCHIVE_INPUT,
                        REPROCESS)) {
            for (Flag flag : group) {
                for (String name : flag.names()) {
                    byName.put(name, flag);
                }
            }
        }
        return byName;
    }
}
