package io.ocellus.pipeline.cli;

import io.ocellus.pipeline.archive.ResultsDir;
import io.ocellus.pipeline.internal.Uris;
import io.ocellus.pipeline.report.ContactSheet;
import io.ocellus.pipeline.report.Screenshots;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ocellus report}: a contact sheet of a reprocess results folder. */
@Command(
        name = "report",
        mixinStandardHelpOptions = true,
        description =
                "Make a contact sheet of a results folder of ocellus reprocess: an HTML page with a thumbnail of each entry (read back from its archive) and its top labels or dead-letter reason; optionally a PNG screenshot of it through headless Chromium.")
public final class ReportCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--results",
            required = true,
            paramLabel = "DIR",
            description = "The results folder (local path or Flink file-system URI).")
    String results;

    @Option(
            names = "--output",
            required = true,
            paramLabel = "FILE",
            description = "The HTML file to write.")
    Path output;

    @Option(
            names = "--png",
            paramLabel = "FILE",
            description =
                    "Also write a screenshot of the page, with headless Chromium ($OCELLUS_CHROMIUM, else chromium, chromium-browser or google-chrome on the PATH).")
    Path png;

    @Option(
            names = "--limit",
            defaultValue = "500",
            description = "Entries shown at most, in entry order. Default: ${DEFAULT-VALUE}.")
    int limit;

    @Option(
            names = "--max-image-bytes",
            defaultValue = "33554432",
            description =
                    "Originals larger than this get no thumbnail. Default: ${DEFAULT-VALUE} (32 MiB).")
    long maxImageBytes;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        ContactSheet sheet =
                ContactSheet.of(new ResultsDir(Uris.of(results)), limit, maxImageBytes);
        Path html = output.toAbsolutePath();
        if (html.getParent() != null) {
            Files.createDirectories(html.getParent());
        }
        Files.writeString(html, sheet.html(), StandardCharsets.UTF_8);
        out.printf("report: %d entries in %s%n", sheet.cells().size(), html);
        if (png != null) {
            Screenshots.capture(
                    html, png.toAbsolutePath(), ContactSheet.PAGE_WIDTH, sheet.pageHeight());
            out.printf("report: screenshot %s%n", png.toAbsolutePath());
        }
        out.flush();
        return 0;
    }
}
