package io.ocellus.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ClientSettingsTest {
    @Test
    void theUserOverridesDefaultsButNotWhatThePipelineOwns() {
        Map<String, String> merged =
                ClientSettings.merge(
                        "the frames source",
                        Map.of("fetch.max.bytes", "33554432", "client.id", "ocellus"),
                        Map.of(
                                "fetch.max.bytes",
                                "67108864",
                                "isolation.level",
                                "read_uncommitted",
                                "security.protocol",
                                "SASL_SSL"),
                        Map.of("isolation.level", "read_committed"));
        assertThat(merged)
                .containsEntry("fetch.max.bytes", "67108864")
                .containsEntry("client.id", "ocellus")
                .containsEntry("security.protocol", "SASL_SSL")
                .containsEntry("isolation.level", "read_committed")
                .hasSize(4);
    }
}
