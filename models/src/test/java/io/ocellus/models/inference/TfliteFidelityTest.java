package io.ocellus.models.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocellus.models.image.ImageDecoder;
import io.ocellus.models.io.ModelLocator;
import io.ocellus.models.io.ModelSource;
import io.ocellus.models.reference.TfliteInterpreter;
import io.ocellus.models.testutils.SharedFixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The engine, running the weights imported from each released .tflite file with the default options
 * (float32 arithmetic on the model's 8-bit grids), agrees with the TensorFlow Lite interpreter
 * running the same file on every test image (stretch mode).
 */
class TfliteFidelityTest {
    private static final double MIN_COSINE = 0.98;

    /** Top-1 must agree wherever the oracle's top-1 leads its top-2 by more than this. */
    private static final float CLEAR_LEAD = 0.05f;

    @ParameterizedTest(name = "{0}")
    @ValueSource(
            strings = {
                "mobilenet_v1_0.25_128_quant.tflite",
                "mobilenet_v1_0.5_160_quant.tflite",
                "mobilenet_v1_0.75_192_quant.tflite"
            })
    void agreesWithTfliteOnEveryImage(String file) throws Exception {
        Path model = SharedFixtures.modelFile(file);
        ModelSource source = ModelLocator.locate(model.toString(), null, null, null);
        List<RgbImage> images = decodeAll();
        try (InferenceEngine engine = InferenceEngine.open(source, stretch());
                TfliteInterpreter oracle = new TfliteInterpreter(model)) {
            int resolution = engine.signature().resolution();
            List<Prediction> predictions = engine.infer(images, probabilities());
            for (int i = 0; i < images.size(); i++) {
                float[] expected =
                        oracle.dequantize(
                                oracle.run(
                                        TfliteInterpreter.quantizedInput(
                                                images.get(i), resolution)));
                assertAgrees(file + " image " + i, expected, predictions.get(i).probabilities());
            }
        }
    }

    @Test
    void splitBodyAndHeadAgreeWithTfliteOnEveryImage() throws Exception {
        Path body =
                SharedFixtures.modelFile("mobilenet_v1_1.0_224_quant_embedding_extractor.tflite");
        Path head = SharedFixtures.modelFile("mobilenet_v1_1.0_224_quant_head_layers.tflite");
        ModelSource source = ModelLocator.locate(body.toString(), null, null, null);
        assertThat(source.paths()).hasSize(2);
        List<RgbImage> images = decodeAll();
        Outputs both = new Outputs(0, true, true, false, java.util.Set.of());
        try (InferenceEngine engine = InferenceEngine.open(source, stretch());
                TfliteInterpreter bodyOracle = new TfliteInterpreter(body);
                TfliteInterpreter headOracle = new TfliteInterpreter(head)) {
            List<Prediction> predictions = engine.infer(images, both);
            for (int i = 0; i < images.size(); i++) {
                byte[] pooled =
                        bodyOracle.run(TfliteInterpreter.quantizedInput(images.get(i), 224));
                float[] expected = headOracle.dequantize(headOracle.run(pooled));
                assertAgrees("1.0_224 image " + i, expected, predictions.get(i).probabilities());
                assertThat(
                                SharedFixtures.cosine(
                                        bodyOracle.dequantize(pooled),
                                        predictions.get(i).embedding()))
                        .as("embedding cosine, image %d", i)
                        .isGreaterThanOrEqualTo(MIN_COSINE);
            }
        }
    }

    @Test
    void namesTheRealContentOfTheImages() throws Exception {
        Path body =
                SharedFixtures.modelFile("mobilenet_v1_1.0_224_quant_embedding_extractor.tflite");
        Path images = SharedFixtures.imagesDir();
        ModelSource source = ModelLocator.locate(body.toString(), null, null, null);
        ImageDecoder decoder = new ImageDecoder();
        Map<String, String> expected =
                Map.of(
                        "parrot.jpg", "macaw",
                        "grace_hopper.bmp", "military uniform",
                        "bird.bmp", "chickadee",
                        "missvickie_potato_chips.bmp", "packet");
        try (InferenceEngine engine = InferenceEngine.open(source, stretch())) {
            for (Map.Entry<String, String> entry : expected.entrySet()) {
                RgbImage image = decoder.decode(images.resolve(entry.getKey()));
                ScoredLabel top =
                        engine.infer(List.of(image), Outputs.classes(1)).get(0).top().get(0);
                assertThat(top.label()).as(entry.getKey()).isEqualTo(entry.getValue());
            }
        }
    }

    private static void assertAgrees(String what, float[] expected, float[] actual) {
        assertThat(actual).as(what).hasSize(expected.length);
        assertThat(SharedFixtures.cosine(expected, actual))
                .as("%s: cosine of probabilities", what)
                .isGreaterThanOrEqualTo(MIN_COSINE);
        int[] best = SharedFixtures.topTwo(expected);
        if (expected[best[0]] - expected[best[1]] > CLEAR_LEAD) {
            assertThat(argmax(actual)).as("%s: top-1", what).isEqualTo(best[0]);
        }
    }

    private static EngineOptions stretch() {
        return EngineOptions.builder()
                .optPreprocessing(Preprocessing.STRETCH)
                .optIntraOpThreads(2)
                .optInterOpThreads(1)
                .build();
    }

    private static Outputs probabilities() {
        return new Outputs(0, true, false, false, java.util.Set.of());
    }

    private static List<RgbImage> decodeAll() throws Exception {
        ImageDecoder decoder = new ImageDecoder();
        List<RgbImage> images = new ArrayList<>();
        for (Path file : SharedFixtures.images()) {
            images.add(decoder.decode(file));
        }
        assertThat(images).hasSizeGreaterThanOrEqualTo(10);
        return images;
    }

    private static int argmax(float[] v) {
        return SharedFixtures.topTwo(v)[0];
    }
}
