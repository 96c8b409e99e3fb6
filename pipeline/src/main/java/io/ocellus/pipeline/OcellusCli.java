package io.ocellus.pipeline;

import io.ocellus.pipeline.cli.ClassifyCommand;
import io.ocellus.pipeline.cli.ConfigReferenceCommand;
import io.ocellus.pipeline.cli.DetectCommand;
import io.ocellus.pipeline.cli.DetectEvalCommand;
import io.ocellus.pipeline.cli.EmbedCommand;
import io.ocellus.pipeline.cli.EvalCommand;
import io.ocellus.pipeline.cli.Flags;
import io.ocellus.pipeline.cli.GeoIndexCommand;
import io.ocellus.pipeline.cli.ModelsCommand;
import io.ocellus.pipeline.cli.ReportCommand;
import io.ocellus.pipeline.cli.ReprocessCommand;
import io.ocellus.pipeline.cli.StreamCommand;
import io.ocellus.pipeline.tools.BenchCommand;
import io.ocellus.pipeline.tools.BenchGeoCommand;
import io.ocellus.pipeline.tools.BenchPipelineCommand;
import io.ocellus.pipeline.tools.BenchReprocessCommand;
import io.ocellus.pipeline.tools.BenchSqlCommand;
import io.ocellus.pipeline.tools.BrokerCommand;
import io.ocellus.pipeline.tools.DemoCommand;
import io.ocellus.pipeline.tools.SoakCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * Entry point of {@code java -jar ocellus.jar}, the {@code ocellus} command: the product's commands
 * ({@code cli}) and the tools around it ({@code tools}: benchmarks, demo, soak, broker).
 */
@Command(
        name = "ocellus",
        mixinStandardHelpOptions = true,
        version = "ocellus 0.1.0",
        description = "A streaming vision pipeline: MobileNet v1 on TensorFlow Java.",
        subcommands = {
            ModelsCommand.class,
            ClassifyCommand.class,
            EvalCommand.class,
            EmbedCommand.class,
            DetectCommand.class,
            DetectEvalCommand.class,
            BenchCommand.class,
            StreamCommand.class,
            DemoCommand.class,
            BenchPipelineCommand.class,
            BenchSqlCommand.class,
            SoakCommand.class,
            ReprocessCommand.class,
            ReportCommand.class,
            BenchReprocessCommand.class,
            GeoIndexCommand.class,
            BenchGeoCommand.class,
            BrokerCommand.class,
            ConfigReferenceCommand.class,
            CommandLine.HelpCommand.class
        })
public final class OcellusCli implements Runnable {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs a command line and returns its exit code (for tests). */
    public static int execute(String... args) {
        return commandLine().execute(args);
    }

    /** The {@code ocellus} command line, every command's flags installed. */
    public static CommandLine commandLine() {
        return Flags.install(new CommandLine(new OcellusCli()))
                .setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(Flags.invalidSettings());
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
