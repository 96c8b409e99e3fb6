package io.ocellus.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocellus.pipeline.OcellusCli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigReferenceTest {
    @Test
    void theCheckedInReferenceMatchesTheOptionsClasses() throws Exception {
        String generated = ConfigReference.markdown(new picocli.CommandLine(new OcellusCli()));
        assertThat(generated)
                .contains("## `ocellus stream`")
                .contains("`--bootstrap-servers")
                .contains("`--claim-check-root URI`")
                .contains("`--max-pixels")
                .doesNotContain("${DEFAULT-VALUE}");
        Path file = Path.of("..", "deploy", "CONFIGURATION.md");
        assertThat(Files.exists(file) ? Files.readString(file) : "")
                .as(
                        "deploy/CONFIGURATION.md is out of date: run"
                                + " pipeline/bin/ocellus config-reference > deploy/CONFIGURATION.md")
                .isEqualTo(generated);
    }
}
