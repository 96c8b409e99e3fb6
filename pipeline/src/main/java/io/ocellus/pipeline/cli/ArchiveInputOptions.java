package io.ocellus.pipeline.cli;

import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The inputs of the commands that run the archive job ({@code reprocess}, {@code geo-index build}),
 * with the progress bar.
 */
@Command
final class ArchiveInputOptions extends FlagGroup {
    @Override
    protected List<List<Flag>> flags() {
        return List.of(Flags.ARCHIVE_INPUT);
    }

    @Option(
            names = "--progress",
            negatable = true,
            description =
                    "Show a progress bar on standard error (done/total, rate, time left). Default: when standard output is a terminal.")
    Boolean progress;

    boolean progressBar() {
        return Progress.wanted(progress);
    }
}
