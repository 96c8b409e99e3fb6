package io.ocellus.models.weights;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocellus.models.MalformedModelException;
import io.ocellus.models.mobilenet.Layer;
import io.ocellus.models.testutils.SharedFixtures;
import io.ocellus.models.testutils.TfliteWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The importer on the released uint8 files and on float32 and int8 per-channel files written from
 * them: the same network, the same weights (exactly for float32, within half a step for int8).
 */
class TfliteWeightImporterTest {
    @TempDir Path dir;

    private final TfliteWeightImporter importer = new TfliteWeightImporter();

    private MobileNetV1Weights released() throws Exception {
        return importer.read(
                List.of(SharedFixtures.modelFile("mobilenet_v1_0.5_160_quant.tflite")));
    }

    @Test
    void readsTheReleasedQuantizedModelWithItsShape() throws Exception {
        MobileNetV1Weights weights = released();
        assertThat(weights.spec().id()).isEqualTo("mobilenet_v1_0.5_160");
        assertThat(weights.spec().numClasses()).isEqualTo(1001);
        assertThat(weights.isQuantized()).isTrue();
        assertThat(weights.inputRange()).containsExactly(-1f, 127f / 128f);
    }

    @Test
    void readsFloat32FilesExactly() throws Exception {
        MobileNetV1Weights source = released();
        MobileNetV1Weights copy = rewritten(source, TfliteWriter.Encoding.FLOAT32);
        assertThat(copy.spec()).isEqualTo(source.spec());
        assertThat(copy.isQuantized()).isFalse();
        for (Layer layer : source.spec().layers()) {
            assertThat(copy.layer(layer.name()).kernel())
                    .as(layer.name())
                    .isEqualTo(source.layer(layer.name()).kernel());
            assertThat(copy.layer(layer.name()).bias())
                    .as(layer.name())
                    .isEqualTo(source.layer(layer.name()).bias());
        }
    }

    @Test
    void readsInt8PerChannelFilesWithinHalfAStep() throws Exception {
        MobileNetV1Weights source = released();
        MobileNetV1Weights copy = rewritten(source, TfliteWriter.Encoding.INT8_PER_CHANNEL);
        for (Layer layer : source.spec().layers()) {
            float[] expected = source.layer(layer.name()).kernel();
            float[] actual = copy.layer(layer.name()).kernel();
            float max = 0;
            for (float v : expected) {
                max = Math.max(max, Math.abs(v));
            }
            float worst = 0;
            for (int i = 0; i < expected.length; i++) {
                worst = Math.max(worst, Math.abs(actual[i] - expected[i]));
            }
            // Per output channel the step is that channel's max / 127, never more than the layer's.
            assertThat(worst).as(layer.name()).isLessThanOrEqualTo(max / 127f / 2 + 1e-6f);
        }
    }

    @Test
    void namesTheTensorAndBothShapesOnAMismatch() throws Exception {
        MobileNetV1Weights source = released();
        int[] wrongFor = {0};
        Path file =
                write(
                        source,
                        TfliteWriter.Encoding.FLOAT32,
                        shape -> {
                            // The 12th kernel written is Conv2d_6_depthwise: give it a 5x5 window.
                            if (++wrongFor[0] == 12) {
                                shape[1] = 5;
                                shape[2] = 5;
                            }
                            return shape;
                        });
        assertThatThrownBy(() -> importer.read(List.of(file)))
                .isInstanceOf(MalformedModelException.class)
                .hasMessageContaining("MobilenetV1/MobilenetV1/Conv2d_6_depthwise/weights")
                .hasMessageContaining("[1, 5, 5, 128]")
                .hasMessageContaining("expected [1, 3, 3, 128]");
    }

    @Test
    void refusesTruncatedFiles() throws Exception {
        byte[] whole =
                Files.readAllBytes(SharedFixtures.modelFile("mobilenet_v1_0.25_128_quant.tflite"));
        Path truncated =
                Files.write(
                        dir.resolve("truncated.tflite"),
                        java.util.Arrays.copyOf(whole, whole.length / 2));
        assertThatThrownBy(() -> importer.read(List.of(truncated)))
                .isInstanceOf(MalformedModelException.class);
    }

    private MobileNetV1Weights rewritten(MobileNetV1Weights source, TfliteWriter.Encoding encoding)
            throws Exception {
        return importer.read(List.of(write(source, encoding, UnaryOperator.identity())));
    }

    private Path write(
            MobileNetV1Weights weights, TfliteWriter.Encoding encoding, UnaryOperator<int[]> hook)
            throws Exception {
        return Files.write(
                dir.resolve(encoding + ".tflite"), TfliteWriter.write(weights, encoding, hook));
    }
}
