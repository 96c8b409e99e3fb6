package io.ocellus.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocellus.pipeline.OcellusCli;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ConfigReferenceTest {
    @Test
    void theCheckedInReferenceMatchesTheOptionsClasses() throws Exception {
        String generated = ConfigReference.markdown(OcellusCli.commandLine());
        assertThat(generated)
                .contains("## `ocellus stream`")
                .contains("`--bootstrap-servers")
                .contains("`--claim-check-root URI`")
                .contains("`--max-pixels")
                .contains("| `ocellus.batching.size` | Integer | `8` | `--batch-size` |")
                .contains("| `ocellus.batching.max-delay` | Duration | `100 ms` |")
                .doesNotContain("${DEFAULT-VALUE}");
        Path file = Path.of("..", "deploy", "CONFIGURATION.md");
        assertThat(Files.exists(file) ? Files.readString(file) : "")
                .as(
                        "deploy/CONFIGURATION.md is out of date: run"
                                + " pipeline/bin/ocellus config-reference > deploy/CONFIGURATION.md")
                .isEqualTo(generated);
    }

    @Test
    void theDeploymentFilesUseOnlyRealSettings() throws Exception {
        Path manifest = Path.of("..", "deploy", "kubernetes", "ocellus-flinkdeployment.yaml");
        java.util.Map<String, String> settings = new java.util.LinkedHashMap<>();
        java.util.regex.Matcher line =
                java.util.regex.Pattern.compile("(?m)^\\s+(ocellus\\.[a-z.-]+):\\s*\"?([^\"\\n]*)")
                        .matcher(Files.readString(manifest));
        while (line.find()) {
            settings.put(line.group(1), line.group(2).trim());
        }
        assertThat(settings).containsKeys("ocellus.kafka.bootstrap-servers", "ocellus.model.path");
        org.apache.flink.configuration.Configuration config =
                org.apache.flink.configuration.Configuration.fromMap(settings);
        io.ocellus.pipeline.config.OcellusOptions.checkKeys(config);
        assertThat(io.ocellus.pipeline.config.ModelOptions.describe(config))
                .isEqualTo("center-crop, fp32");
    }
}
