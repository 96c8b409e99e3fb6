package io.ocellus.pipeline.cli;

import io.ocellus.pipeline.OcellusCli;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine;

/**
 * One {@code ocellus} command line run in this JVM, its output captured.
 *
 * @param line the parsed command line, to reach a subcommand's object after the run
 */
record CliRun(int code, String out, String err, CommandLine line) {
    static CliRun of(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        CommandLine line = OcellusCli.commandLine();
        line.setOut(writer(out));
        line.setErr(writer(err));
        int code = line.execute(args);
        return new CliRun(
                code,
                out.toString(StandardCharsets.UTF_8),
                err.toString(StandardCharsets.UTF_8),
                line);
    }

    /** What the last reprocess run counted, or null. */
    io.ocellus.pipeline.archive.ReprocessRun.Summary summary() {
        ReprocessCommand command = line.getSubcommands().get("reprocess").getCommand();
        return command.summary;
    }

    private static PrintWriter writer(OutputStream out) {
        return new PrintWriter(new PrintStream(out, true, StandardCharsets.UTF_8), true);
    }
}
