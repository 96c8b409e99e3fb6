package io.ocellus.pipeline.cli;

import io.ocellus.pipeline.archive.ReprocessRun;
import io.ocellus.pipeline.config.InvalidSettingException;
import io.ocellus.pipeline.config.Jobs;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code ocellus reprocess}: image archives through the workflow in Flink's batch mode. */
@Command(
        name = "reprocess",
        mixinStandardHelpOptions = true,
        description =
                "Reprocess image archives: folders (recursive), zip and tar(.gz) archives and Avro files of ImageFrame records, through the streaming job's workflow in Flink's BATCH mode, into part files (Avro or JSON lines, a folder per task) or the stream's Kafka topics. Every entry ends up in one result per task or one dead letter; a run into the same folder skips the entries done before. Exit code 0 when every entry is accounted for, 3 when not, 2 on bad arguments or a failed job.")
public final class ReprocessCommand implements Callable<Integer> {
    /** The outputs, tasks and Kafka settings, with {@code -D}. */
    @Command
    static final class OutputFlags extends FlagGroup {
        @Override
        protected List<List<Flag>> flags() {
            return List.of(Flags.REPROCESS, Flags.TOPICS, Flags.KAFKA_CLIENT);
        }

        @Override
        protected boolean takesAnySetting() {
            return true;
        }
    }

    @Mixin OutputFlags outputs;

    @Spec CommandSpec spec;

    @Mixin ModelFlags model;

    @Mixin WorkflowFlags flags;

    @Mixin ArchiveInputOptions input;

    /** What the last run counted: for tests. */
    ReprocessRun.Summary summary;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        Jobs.Reprocess planned;
        try {
            planned = Jobs.reprocess(Flags.configuration(spec));
        } catch (InvalidSettingException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            err.println("ocellus reprocess: " + e.getMessage());
            return ExitCode.CANNOT_RUN.code();
        }
        RunProgress progress = new RunProgress(err, input.progressBar(), planned.modelId());
        summary = planned.run().run(progress);
        progress.finish();
        report(spec.commandLine().getOut(), summary);
        return summary.accounted() ? 0 : ExitCode.UNACCOUNTED.code();
    }

    static void report(PrintWriter out, ReprocessRun.Summary summary) {
        List<String> reasons = new ArrayList<>();
        summary.deadLetters().forEach((reason, n) -> reasons.add(reason + " " + n));
        out.printf(
                Locale.ROOT,
                "reprocess: %d entries: %d results, %d dead letters%s, %d skipped (done before)%n",
                summary.plan().entries(),
                summary.results(),
                summary.deadLetterCount(),
                reasons.isEmpty() ? "" : " (" + String.join(", ", reasons) + ")",
                summary.plan().skipped());
        out.printf(
                Locale.ROOT,
                "reprocess: %d processed in %.1f s: %.1f images/s%s%n",
                summary.results() + summary.deadLetterCount(),
                summary.seconds(),
                summary.imagesPerSecond(),
                summary.steadyImagesPerSecond() > 0
                        ? String.format(
                                Locale.ROOT,
                                " (%.1f images/s once flowing)",
                                summary.steadyImagesPerSecond())
                        : "");
        if (!summary.accounted()) {
            out.printf(
                    Locale.ROOT,
                    "reprocess: NOT ACCOUNTED FOR: %d entries to process, %d outcomes%n",
                    summary.plan().toProcess(),
                    summary.results() + summary.deadLetterCount());
        }
        out.flush();
    }
}
