package io.ocellus.pipeline.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The configuration reference ({@code deploy/CONFIGURATION.md}), generated from the options classes
 * so that it cannot drift from them: {@code ocellus config-reference} prints it, and a test fails
 * when the checked-in file differs.
 */
public final class ConfigReference {
    /** The commands documented, in this order. */
    static final List<String> COMMANDS =
            List.of(
                    "stream",
                    "demo",
                    "bench-pipeline",
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

    /**
     * The reference of the commands under {@code root} (the {@code ocellus} command), as Markdown.
     */
    public static String markdown(CommandLine root) {
        StringBuilder out = new StringBuilder();
        out.append("# Ocellus configuration reference\n\n")
                .append("Generated from the command-line options classes by")
                .append(" `pipeline/bin/ocellus config-reference > deploy/CONFIGURATION.md`;")
                .append(" `ConfigReferenceTest` fails when this file is out of date. Every")
                .append(" option can also come from an argument file, one per line:")
                .append(" `ocellus stream @job.args`. The job jar's entry class")
                .append(" `io.ocellus.pipeline.StreamJobMain` takes the options of `stream`,")
                .append(" `io.ocellus.pipeline.ReprocessJobMain` those of `reprocess`.\n");
        for (String name : COMMANDS) {
            CommandLine command = root;
            for (String part : name.split(" ")) {
                command = command.getSubcommands().get(part);
            }
            CommandSpec spec = command.getCommandSpec();
            out.append("\n## `ocellus ").append(name).append("`\n\n");
            out.append(String.join(" ", spec.usageMessage().description())).append("\n\n");
            out.append("| option | default | description |\n|---|---|---|\n");
            for (OptionSpec option : spec.options()) {
                if (option.usageHelp() || option.versionHelp()) {
                    continue;
                }
                String names = String.join(", ", option.names());
                String label = option.typeInfo().isBoolean() ? "" : " " + option.paramLabel();
                String defaultValue = option.defaultValue();
                String description =
                        String.join(" ", option.description())
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
        return out.toString();
    }
}
