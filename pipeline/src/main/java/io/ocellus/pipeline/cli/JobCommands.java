package io.ocellus.pipeline.cli;

import io.ocellus.pipeline.archive.ReprocessRun;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine;

/**
 * The job jar's command lines, {@code stream} and {@code reprocess}, each parsed on its own into
 * settings: no other command (benchmarks, demo, broker) is loaded where a Flink cluster runs the
 * job. Nothing here calls {@code System.exit}: a usage error is an {@link
 * IllegalArgumentException}, for the Flink client or JobManager to report.
 */
public final class JobCommands {
    private JobCommands() {}

    /**
     * The settings the flags of {@code ocellus stream} give ({@code -D} entries included), or null
     * when they ask for help (printed to standard output).
     *
     * @throws IllegalArgumentException on a usage error, with picocli's message
     */
    public static Configuration streamSettings(String... args) {
        return settings(new StreamCommand(), "stream", args);
    }

    /** The settings the flags of {@code ocellus reprocess} give, or null for help. */
    public static Configuration reprocessSettings(String... args) {
        return settings(new ReprocessCommand(), "reprocess", args);
    }

    /** Prints what a reprocess run counted, as {@code ocellus reprocess} does. */
    public static void report(ReprocessRun.Summary summary) {
        ReprocessCommand.report(
                new PrintWriter(new java.io.OutputStreamWriter(System.out, StandardCharsets.UTF_8)),
                summary);
    }

    private static Configuration settings(Object command, String name, String[] args) {
        CommandLine line = Flags.install(new CommandLine(command));
        try {
            line.parseArgs(args);
        } catch (CommandLine.ParameterException e) {
            throw new IllegalArgumentException("ocellus " + name + ": " + e.getMessage(), e);
        }
        if (line.isUsageHelpRequested()) {
            line.usage(System.out);
            return null;
        }
        return Flags.configuration(line.getCommandSpec());
    }
}
