package io.ocellus.models.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ocellus.models.image.ImageDecoder;
import io.ocellus.models.io.LoadedModel;
import io.ocellus.models.io.ModelLoader;
import io.ocellus.models.io.ModelLocator;
import io.ocellus.models.io.ModelSource;
import io.ocellus.models.mobilenet.MobileNetV1GraphBuilder;
import io.ocellus.models.testutils.SharedFixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * int8: a released 8-bit MobileNet as oneDNN's integer convolutions where the CPU has VNNI or
 * AMX-INT8, the answers of the float graph where they are clear; any other model, fp32.
 */
class Int8PrecisionTest {
    @Test
    void int8FollowsTheCpuAndParses() {
        assertThat(Precision.parse("INT8")).isEqualTo(Precision.INT8);
        assertThat(Precision.INT8.resolve())
                .isEqualTo(Precision.cpuHasInt8() ? Precision.INT8 : Precision.FP32);
    }

    @Test
    void anEightBitModelRunsOnIntegerConvolutionsWithFloat32sClearAnswersAndFeatureMaps()
            throws Exception {
        assumeTrue(Precision.cpuHasInt8(), "no VNNI or AMX-INT8 on this CPU: skipped");
        ModelSource source = source("mobilenet_v1_0.5_160_quant.tflite");
        try (LoadedModel model =
                ModelLoader.load(source, EngineOptions.defaults().toConfigProto(), true, true)) {
            long integer = 0;
            for (var it = model.graph().operations(); it.hasNext(); ) {
                if (it.next().type().startsWith("Quantized")) {
                    integer++;
                }
            }
            assertThat(integer).as("quantized convolutions").isEqualTo(26);
        }
        PrecisionTest.assertSameClearAnswers(
                source, EngineOptions.builder().optPrecision(Precision.INT8).build());
        List<RgbImage> images = new ArrayList<>();
        for (var file : SharedFixtures.images()) {
            images.add(new ImageDecoder().decode(file));
        }
        try (InferenceEngine int8 =
                InferenceEngine.open(
                        source, EngineOptions.builder().optPrecision(Precision.INT8).build())) {
            Prediction features =
                    int8.infer(images.subList(0, 1), Outputs.detectionFeatures()).get(0);
            assertThat(features.features().values())
                    .allSatisfy(
                            map -> {
                                for (float v : map.values()) {
                                    assertThat(v).isBetween(0f, 6.1f);
                                }
                            });
            assertThat(features.features()).hasSize(Outputs.DETECTION_LAYERS.size());
            float[] embedding =
                    int8.infer(images.subList(0, 1), Outputs.embedding(false)).get(0).embedding();
            assertThat(embedding).hasSize(512);
        }
    }

    @Test
    void aFloatModelAskedForInt8RunsFp32() throws Exception {
        ModelSource source =
                ModelLocator.locate(
                        SharedFixtures.siblingModelFile(
                                        "mobilenet_v1_0.25_224", "mobilenet_v1_0.25_224.tflite")
                                .toString(),
                        null,
                        null,
                        null);
        try (LoadedModel model =
                ModelLoader.load(source, EngineOptions.defaults().toConfigProto(), true, true)) {
            for (var it = model.graph().operations(); it.hasNext(); ) {
                assertThat(it.next().type()).doesNotStartWith("Quantized");
            }
            assertThat(model.graph().operation(MobileNetV1GraphBuilder.PROBABILITIES)).isNotNull();
        }
    }

    private static ModelSource source(String file) throws Exception {
        return ModelLocator.locate(SharedFixtures.modelFile(file).toString(), null, null, null);
    }
}
