package io.ocellus.pipeline.cli;

import picocli.CommandLine;

/**
 * The job jar's commands, {@code stream} and {@code reprocess}, each parsed on its own: no other
 * command (benchmarks, demo, broker) is loaded where a Flink cluster runs the job. Inside a host
 * that must not exit (a Flink client or JobManager) an exception from the command is thrown, not
 * printed, and a usage error becomes an {@link IllegalArgumentException}; nothing calls {@code
 * System.exit}.
 */
public final class JobCommands {
    private JobCommands() {}

    /** {@code ocellus stream} with these arguments. */
    public static void stream(String... args) throws Exception {
        run(new StreamCommand(), "stream", args);
    }

    /** {@code ocellus reprocess} with these arguments. */
    public static void reprocess(String... args) throws Exception {
        run(new ReprocessCommand(), "reprocess", args);
    }

    private static void run(Object command, String name, String[] args) throws Exception {
        CommandLine line =
                new CommandLine(command)
                        .setCaseInsensitiveEnumValuesAllowed(true)
                        .setExecutionExceptionHandler(
                                (e, parsed, result) -> {
                                    throw e;
                                });
        int code = line.execute(args);
        if (code != 0) {
            throw new IllegalArgumentException(
                    "ocellus " + name + " " + String.join(" ", args) + " exited with code " + code);
        }
    }
}
