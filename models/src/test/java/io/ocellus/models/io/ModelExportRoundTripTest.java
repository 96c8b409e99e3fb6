package io.ocellus.models.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocellus.models.MalformedModelException;
import io.ocellus.models.image.ImageDecoder;
import io.ocellus.models.inference.EngineOptions;
import io.ocellus.models.inference.InferenceEngine;
import io.ocellus.models.inference.Outputs;
import io.ocellus.models.inference.Prediction;
import io.ocellus.models.inference.Preprocessing;
import io.ocellus.models.inference.RgbImage;
import io.ocellus.models.testutils.SharedFixtures;
import io.ocellus.models.weights.MobileNetV1Weights;
import io.ocellus.models.weights.TfliteWeightImporter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model built from real weights, exported by the project and loaded back, gives the same outputs.
 */
class ModelExportRoundTripTest {
    @TempDir Path dir;

    @Test
    void frozenGraphAndSavedModelGiveTheSameOutputsAsTheBuiltGraph() throws Exception {
        Path tflite = SharedFixtures.modelFile("mobilenet_v1_0.25_128_quant.tflite");
        MobileNetV1Weights weights = new TfliteWeightImporter().read(List.of(tflite));
        Path frozen = dir.resolve("mobilenet_v1_0.25_128_frozen.pb");
        Path saved = dir.resolve("saved");
        ModelExporter.exportFrozenGraph(weights, frozen);
        ModelExporter.exportSavedModel(weights, saved);
        assertThat(saved.resolve("saved_model.pb")).exists();

        List<RgbImage> images =
                List.of(
                        new ImageDecoder().decode(SharedFixtures.imagesDir().resolve("parrot.jpg")),
                        new ImageDecoder().decode(SharedFixtures.imagesDir().resolve("cat.bmp")));
        Outputs outputs = new Outputs(3, true, true, false, Set.of("Conv2d_13_pointwise"));
        List<Prediction> reference =
                run(ModelLocator.locate(tflite.toString(), null, null, null), images, outputs);
        List<Prediction> fromFrozen =
                run(ModelLocator.locate(frozen.toString(), null, null, null), images, outputs);
        List<Prediction> fromSaved =
                run(ModelLocator.locate(saved.toString(), null, null, null), images, outputs);

        assertThat(ModelLocator.locate(saved.toString(), null, null, null).format())
                .isEqualTo(ModelFormat.SAVED_MODEL);
        for (int i = 0; i < images.size(); i++) {
            for (List<Prediction> other : List.of(fromFrozen, fromSaved)) {
                assertThat(other.get(i).probabilities())
                        .containsExactly(
                                reference.get(i).probabilities(),
                                org.assertj.core.data.Offset.offset(1e-4f));
                assertThat(other.get(i).embedding())
                        .containsExactly(
                                reference.get(i).embedding(),
                                org.assertj.core.data.Offset.offset(1e-3f));
                assertThat(other.get(i).top().get(0).index())
                        .isEqualTo(reference.get(i).top().get(0).index());
            }
            assertThat(fromFrozen.get(i).features().get("Conv2d_13_pointwise").values())
                    .containsExactly(
                            reference.get(i).features().get("Conv2d_13_pointwise").values(),
                            org.assertj.core.data.Offset.offset(1e-3f));
        }
    }

    @Test
    void refusesAFileThatIsNotAModelWithAPreciseError() throws Exception {
        Path junk = dir.resolve("junk.tflite");
        Files.write(junk, new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9});
        assertThatThrownBy(() -> new TfliteWeightImporter().read(List.of(junk)))
                .isInstanceOf(MalformedModelException.class)
                .hasMessageContaining("TFL3");
    }

    private static List<Prediction> run(ModelSource source, List<RgbImage> images, Outputs outputs)
            throws Exception {
        EngineOptions options =
                EngineOptions.builder()
                        .optPreprocessing(Preprocessing.CENTER_CROP)
                        .optIntraOpThreads(2)
                        .optQuantizedActivations(false)
                        .build();
        try (InferenceEngine engine = InferenceEngine.open(source, options)) {
            return engine.infer(images, outputs);
        }
    }
}
