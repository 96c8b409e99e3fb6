package io.ocellus.pipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocellus.models.inference.Outputs;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a model-updates record is read: a bare path, or keys and values, and what is refused. */
class ModelUpdatesTest {
    @Test
    void aBarePathOrUriNamesTheModelFile() {
        assertThat(ModelUpdates.parse("  file:///models/mobilenet_v1_0.5_160_quant.tflite\n"))
                .containsExactly(
                        Map.entry(
                                "ocellus.model.path",
                                "file:///models/mobilenet_v1_0.5_160_quant.tflite"));
    }

    @Test
    void linesOfKeysAndValuesInEitherSpellingWithCommentsAndQuotes() {
        assertThat(
                        ModelUpdates.parse(
                                """
                                # tomorrow's model
                                ocellus.model.path: "/models/v2"
                                ocellus.model.alpha=0.5
                                ocellus.model.precision: bf16
                                version: 2026-12-01
                                """))
                .containsExactly(
                        Map.entry("ocellus.model.path", "/models/v2"),
                        Map.entry("ocellus.model.alpha", "0.5"),
                        Map.entry("ocellus.model.precision", "bf16"),
                        Map.entry("version", "2026-12-01"));
    }

    @Test
    void refusesKeysOutsideTheModelAndRepeatsAndEmptyRecords() {
        assertThatThrownBy(() -> ModelUpdates.parse("ocellus.kafka.input-topic: x\nversion: 2"))
                .hasMessageContaining("ocellus.model.* keys and version")
                .hasMessageContaining("ocellus.kafka.input-topic");
        assertThatThrownBy(
                        () ->
                                ModelUpdates.parse(
                                        "ocellus.model.alpha: 0.5\nocellus.model.alpha: 1.0"))
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> ModelUpdates.parse("# nothing\n\n"))
                .hasMessageContaining("names no model");
        assertThatThrownBy(() -> ModelUpdates.parse("ocellus.model.alpha: 0.5\nbare words"))
                .hasMessageContaining("'key: value'");
    }

    @Test
    void aNewPathForgetsTheOldFilesVariantAndAnUnknownSettingIsNamed() {
        ModelUpdates reader =
                new ModelUpdates(
                        Map.of(
                                "ocellus.model.path", "/nowhere/old",
                                "ocellus.model.alpha", "0.25",
                                "ocellus.model.resolution", "128"),
                        4,
                        Outputs.classes(5));
        assertThatThrownBy(() -> reader.read("ocellus.model.precision: fp64"))
                .hasMessageContaining("ocellus.model.precision");
        assertThatThrownBy(() -> reader.read("ocellus.model.colour: blue"))
                .hasMessageContaining("ocellus.model.colour");
        // The new path is looked up without the old alpha and resolution: the error names it.
        assertThatThrownBy(() -> reader.read("/nowhere/new.tflite"))
                .hasMessageContaining("/nowhere/new.tflite");
    }

    @Test
    void aFragmentOfAnUpdateIsRefusedSayingThatOneRecordHoldsTheWholeUpdate() {
        ModelUpdates reader =
                new ModelUpdates(
                        Map.of("ocellus.model.path", "/nowhere/old"), 4, Outputs.classes(5));
        for (String fragment :
                new String[] {
                    "version: 2026-12-01",
                    "ocellus.model.alpha: 0.5",
                    "ocellus.model.resolution: 160"
                }) {
            assertThatThrownBy(() -> reader.read(fragment))
                    .as(fragment)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("one record that names the whole model")
                    .hasMessageContaining("ocellus.model.path");
        }
    }

    @Test
    void aNewVersionOfTheSamePathIsAnotherEngineSoTheFileIsReadAgain() {
        io.ocellus.models.inference.PredictorFactory engine =
                new io.ocellus.models.inference.EngineFactory(
                        new io.ocellus.models.io.ModelSource(
                                io.ocellus.models.io.ModelFormat.TFLITE,
                                List.of("/nowhere/m.tflite"),
                                null,
                                null),
                        io.ocellus.models.inference.EngineOptions.defaults());
        assertThat(new ModelUpdates.Versioned(engine, "v1"))
                .isEqualTo(new ModelUpdates.Versioned(engine, "v1"))
                .isNotEqualTo(new ModelUpdates.Versioned(engine, "v2"))
                .isNotEqualTo(engine);
    }
}
