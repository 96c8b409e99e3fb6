package io.ocellus.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ocellus.models.io.ModelLocator;
import io.ocellus.pipeline.testutils.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ocellus bench-reprocess} on a real local cluster and real weights, with few images in a
 * folder, a zip, a tar and a tar.gz: the warm-up run and the measured run each account for their
 * images, and the report compares the run with the ceiling measured in the same process. Speed
 * itself is not asserted (a benchmark, not a timed test).
 */
class BenchReprocessCommandITCase {
    @ParameterizedTest
    @ValueSource(strings = {"folder", "zip", "tar", "tar.gz"})
    void warmsUpThenMeasuresAndAccountsForEveryImage(String layout) {
        Path models = ModelLocator.defaultDirectory();
        assumeTrue(models != null && Files.isDirectory(models), "weights not found: skipped");
        CliRun run =
                CliRun.of(
                        "bench-reprocess",
                        "--alpha",
                        "0.25",
                        "--resolution",
                        "128",
                        "--count",
                        "24",
                        "--warmup-count",
                        "10",
                        "--as",
                        layout,
                        "--images",
                        Samples.images().toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out())
                .contains(layout + ": 24 images")
                .contains("warm-up: 10 results, 0 dead letters")
                .contains("reprocess: 24 results, 0 dead letters")
                .contains("result: 24 images");
        Matcher share =
                Pattern.compile("\\((\\d+)% of decode\\+engine in series").matcher(run.out());
        assertThat(share.find()).as(run.out()).isTrue();
        assertThat(Integer.parseInt(share.group(1))).isPositive();
    }
}
