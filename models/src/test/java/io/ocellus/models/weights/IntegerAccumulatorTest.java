package io.ocellus.models.weights;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocellus.models.mobilenet.Layer;
import io.ocellus.models.testutils.SharedFixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The 8-bit grids run each layer as integer weights times input steps, summed in float32 (see
 * {@code MobileNetV1GraphBuilder}): exact, whatever order a kernel sums in, while every partial sum
 * stays below 2^24. This holds for every input of every released file.
 */
class IntegerAccumulatorTest {
    private static final double EXACT = 1 << 24;

    @ParameterizedTest
    @CsvSource({
        "mobilenet_v1, mobilenet_v1_0.25_128_quant.tflite",
        "mobilenet_v1, mobilenet_v1_0.5_160_quant.tflite",
        "mobilenet_v1, mobilenet_v1_0.75_192_quant.tflite",
        "mobilenet_v1, mobilenet_v1_1.0_224_quant_embedding_extractor.tflite",
        "mobilenet_v1_0.25_224, mobilenet_v1_0.25_224_quant.tflite"
    })
    void everyAccumulatorIsExactInFloat32ForAnyInput(String folder, String file) throws Exception {
        List<Path> files = new ArrayList<>(List.of(SharedFixtures.siblingModelFile(folder, file)));
        if (file.contains("embedding_extractor")) {
            files.add(
                    SharedFixtures.siblingModelFile(
                            folder, file.replace("embedding_extractor", "head_layers")));
        }
        MobileNetV1Weights weights = new TfliteWeightImporter().read(files);
        double largest = 0;
        for (Layer layer : weights.spec().layers()) {
            LayerWeights layerWeights = weights.layer(layer.name());
            Requantization rq = layerWeights.requantization();
            assertThat(rq).as(layer.name()).isNotNull();
            float[] integers = rq.integerWeights(layerWeights.kernel());
            float[] bias = rq.integerBias(layerWeights.bias());
            float scale = rq.weightScales()[0];
            int channels = layer.outChannels();
            double[] reach = new double[channels];
            for (int i = 0; i < integers.length; i++) {
                assertThat(Math.abs(integers[i])).as(layer.name()).isLessThanOrEqualTo(255);
                float real = integers[i] * rq.weightScales()[i % rq.weightScales().length];
                assertThat(real)
                        .as(layer.name())
                        .isCloseTo(layerWeights.kernel()[i], Offset.offset(scale * 1e-3f));
                // An input step is at most 255 from its zero point.
                reach[i % channels] += 255.0 * Math.abs(integers[i]);
            }
            for (int c = 0; c < channels; c++) {
                largest = Math.max(largest, reach[c] + Math.abs(bias[c]));
            }
        }
        assertThat(largest).as(file + ": the largest possible partial sum").isLessThan(EXACT);
    }
}
