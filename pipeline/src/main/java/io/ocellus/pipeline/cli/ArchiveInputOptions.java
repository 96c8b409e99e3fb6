package io.ocellus.pipeline.cli;

import io.ocellus.pipeline.internal.Uris;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The inputs of the commands that run the archive job ({@code reprocess}, {@code geo-index build}).
 */
final class ArchiveInputOptions {
    @Option(
            names = "--input",
            required = true,
            arity = "1..*",
            paramLabel = "PATH",
            description =
                    "Folders, archives (.zip, .tar, .tar.gz, .tgz) or Avro files (.avro) of ImageFrame records: local paths or Flink file-system URIs (file://, s3:// and hdfs:// with Flink's file-system plugins). Names starting with a dot are passed over.")
    List<String> inputs;

    @Option(
            names = "--progress",
            negatable = true,
            description =
                    "Show a progress bar on standard error (done/total, rate, time left). Default: when standard output is a terminal.")
    Boolean progress;

    /** The inputs as URIs (local paths made absolute {@code file:} URIs). */
    List<String> uris() {
        return inputs.stream().map(Uris::of).toList();
    }

    boolean progressBar() {
        return Progress.wanted(progress);
    }
}
