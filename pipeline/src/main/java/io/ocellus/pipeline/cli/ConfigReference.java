package io.ocellus.pipeline.cli;

import io.ocellus.pipeline.config.BatchingOptions;
import io.ocellus.pipeline.config.DecodingOptions;
import io.ocellus.pipeline.config.GeoLocationOptions;
import io.ocellus.pipeline.config.JobOptions;
import io.ocellus.pipeline.config.KafkaOptions;
import io.ocellus.pipeline.config.LocalClusterOptions;
import io.ocellus.pipeline.config.ModelOptions;
import io.ocellus.pipeline.config.OcellusOptions;
import io.ocellus.pipeline.config.ReprocessOptions;
import io.ocellus.pipeline.config.TaskOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.util.TimeUtils;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The configuration reference ({@code deploy/CONFIGURATION.md}), generated from the settings'
 * {@code ConfigOption}s and the commands' flags so that it cannot drift from them: {@code ocellus
 * config-reference} prints it, and a test fails when the checked-in file differs.
 */
public final class ConfigReference {
    /** The commands documented, in this order. */
    static final List<String> COMMANDS =
            List.of(
                    "stream",
                    "demo",
                    "bench-pipeline",
                    "bench-sql",
                    "soak",
                    "reprocess",
                    "report",
                    "bench-reprocess",
                    "geo-index build",
                    "geo-index graph",
                    "geo-index info",
                    "geo-index eval",
                    "bench-geo",
                    "classify",
                    "embed",
                    "eval",
                    "bench",
                    "models",
                    "broker");

    private ConfigReference() {}

    /** The components' titles, by options class. */
    private static final Map<Class<?>, String> TITLES =
            Map.of(
                    LocalClusterOptions.class, "The embedded local cluster",
                    ModelOptions.class, "Model",
                    DecodingOptions.class, "Decoding",
                    BatchingOptions.class, "Batching",
                    TaskOptions.class, "Task results",
                    GeoLocationOptions.class, "Geo-localization",
                    KafkaOptions.class, "Kafka topics, formats and clients",
                    JobOptions.class, "The streaming job",
                    ReprocessOptions.class, "The archive job (reprocess)");

    /**
     * The reference: every setting, then the commands under {@code root} (the {@code ocellus}
     * command, flags installed), as Markdown.
     */
    public static String markdown(CommandLine root) {
        StringBuilder out = new StringBuilder();
        out.append("# Ocellus configuration reference\n\n")
                .append("Generated from the options classes (`io.ocellus.pipeline.config`) and the")
                .append(" commands by `pipeline/bin/ocellus config-reference >")
                .append(" deploy/CONFIGURATION.md`; `ConfigReferenceTest` fails when this file is")
                .append(" out of date.\n\n")
                .append(
                        "Every setting is a Flink `ConfigOption`: the same key works as `-D` on the")
                .append(" `ocellus` command line and under `flink run -D`, in a cluster's")
                .append(" `config.yaml`, and in a FlinkDeployment's `flinkConfiguration`. A flag")
                .append(" on the command line sets its key and wins over the rest. Values are")
                .append(
                        " checked before the job starts; an unknown `ocellus.*` key is refused. The")
                .append(
                        " job jar's entry class `io.ocellus.pipeline.StreamJobMain` takes the flags")
                .append(
                        " of `stream`, `io.ocellus.pipeline.ReprocessJobMain` those of `reprocess`;")
                .append(
                        " flags can also come from an argument file: `ocellus stream @job.args`.\n");
        settings(out);
        out.append("\n## Flink's own settings the jobs follow\n\n")
                .append("| key | flag | meaning |\n|---|---|---|\n")
                .append(
                        "| `parallelism.default` | `--parallelism` | instances of each operator |\n")
                .append("| `execution.checkpointing.interval` | `--checkpoint-interval-ms` |")
                .append(" the exactly-once job's checkpoint interval; when none is configured the")
                .append(" job checkpoints every 5 s and says so in its log |\n");
        for (String name : COMMANDS) {
            CommandLine command = root;
            for (String part : name.split(" ")) {
                command = command.getSubcommands().get(part);
            }
            command(out, name, command.getCommandSpec());
        }
        return out.toString();
    }

    private static void settings(StringBuilder out) {
        Class<?> component = null;
        for (OcellusOptions.Entry entry : OcellusOptions.all()) {
            if (entry.component() != component) {
                component = entry.component();
                out.append("\n## ").append(TITLES.get(component)).append("\n\n");
                out.append(
                        "| key | type | default | flag | description |\n|---|---|---|---|---|\n");
            }
            ConfigOption<?> option = entry.option();
            String key =
                    option == KafkaOptions.PROPERTIES ? option.key() + ".<name>" : option.key();
            List<String> flags =
                    Flags.all().stream()
                            .filter(f -> f.option().key().equals(option.key()))
                            .map(f -> "`" + f.name() + "`")
                            .toList();
            out.append("| `")
                    .append(key)
                    .append("` | ")
                    .append(entry.type())
                    .append(" | ")
                    .append(defaultText(option))
                    .append(" | ")
                    .append(String.join(", ", flags))
                    .append(" | ")
                    .append(entry.description().replace("|", "\\|"))
                    .append(" |\n");
        }
    }

    private static String defaultText(ConfigOption<?> option) {
        if (!option.hasDefaultValue()) {
            return "";
        }
        Object value = option.defaultValue();
        String text;
        if (value instanceof Duration d) {
            text = TimeUtils.formatWithHighestUnit(d);
        } else if (value instanceof List<?> list) {
            text = String.join(";", list.stream().map(String::valueOf).toList());
        } else if (value instanceof Map<?, ?>) {
            text = "";
        } else {
            text = String.valueOf(value);
        }
        return text.isEmpty() ? "" : "`" + text + "`";
    }

    private static void command(StringBuilder out, String name, CommandSpec spec) {
        out.append("\n## `ocellus ").append(name).append("`\n\n");
        out.append(String.join(" ", spec.usageMessage().description())).append("\n\n");
        out.append("| option | default | description |\n|---|---|---|\n");
        for (OptionSpec option : spec.options()) {
            if (option.usageHelp() || option.versionHelp()) {
                continue;
            }
            Flag flag = Flags.find(option.longestName());
            boolean bound = flag != null && flag.option().key().equals(option.descriptionKey());
            String names = String.join(", ", option.names());
            String label = option.typeInfo().isBoolean() ? "" : " " + option.paramLabel();
            String defaultValue =
                    bound && flag.kind() != Flag.Kind.SWITCH
                            ? flag.defaultText()
                            : option.defaultValue();
            String description =
                    String.join(" ", option.description())
                            .replace("%%", "%")
                            .replace("${DEFAULT-VALUE}", String.valueOf(defaultValue))
                            .replace("|", "\\|");
            out.append("| `")
                    .append((names + label).replace("|", "\\|"))
                    .append("` | ")
                    .append(defaultValue == null ? "" : "`" + defaultValue + "`")
                    .append(" | ")
                    .append(description)
                    .append(" |\n");
        }
    }
}
