package io.ocellus.models.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocellus.models.ModelNotFoundException;
import io.ocellus.models.testutils.SharedFixtures;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelLocatorTest {
    @TempDir Path empty;

    @Test
    void prefersTheFullModelAndPairsBodyWithHead() throws Exception {
        ModelSource source =
                ModelLocator.locate(SharedFixtures.modelDir().toString(), null, null, null);
        assertThat(source.format()).isEqualTo(ModelFormat.TFLITE);
        assertThat(source.paths()).hasSize(2);
        assertThat(source.paths().get(0))
                .endsWith("mobilenet_v1_1.0_224_quant_embedding_extractor.tflite");
        assertThat(source.paths().get(1)).endsWith("mobilenet_v1_1.0_224_quant_head_layers.tflite");
        assertThat(source.labels()).endsWith("imagenet_labels.txt");
    }

    @Test
    void picksByWidthAndResolution() throws Exception {
        String dir = SharedFixtures.modelDir().toString();
        assertThat(ModelLocator.locate(dir, 0.5, null, null).paths().get(0))
                .endsWith("mobilenet_v1_0.5_160_quant.tflite");
        assertThat(ModelLocator.locate(dir, null, 128, null).paths().get(0))
                .endsWith("mobilenet_v1_0.25_128_quant.tflite");
        ModelSource rebuilt = ModelLocator.locate(dir, 0.25, 224, null);
        assertThat(rebuilt.paths().get(0)).endsWith("mobilenet_v1_0.25_128_quant.tflite");
        assertThat(rebuilt.resolution()).isEqualTo(224);
    }

    @Test
    void refusesAFileOfAnotherWidth() {
        Path file = SharedFixtures.modelFile("mobilenet_v1_0.5_160_quant.tflite");
        assertThatThrownBy(() -> ModelLocator.locate(file.toString(), 1.0, null, null))
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("alpha 1.0");
    }

    @Test
    void explainsWhereToGetWeightsWhenThereAreNone() {
        assertThatThrownBy(
                        () ->
                                ModelLocator.locate(
                                        empty.resolve("none").toString(), null, null, null))
                .isInstanceOf(ModelNotFoundException.class)
                .hasMessageContaining("mobilenet_v1_2018_08_02");
        assertThatThrownBy(() -> ModelLocator.locate(empty.toString(), null, null, null))
                .hasMessageContaining("no MobileNet v1 model in");
    }
}
