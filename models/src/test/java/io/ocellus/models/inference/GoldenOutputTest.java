package io.ocellus.models.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ocellus.models.image.ImageDecoder;
import io.ocellus.models.io.ModelLocator;
import io.ocellus.models.testutils.SharedFixtures;
import io.ocellus.models.testutils.TfliteClassifier;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Google's published outputs for the 0.25_224 files ({@code detection-golden/GOLDEN.md}):
 * burger.jpg is a cheeseburger (class 934) with score 0.96 ± 0.01 for the quantized file, the whole
 * image resized to 224x224. Google's figure comes from the TFLite support library, which resizes
 * with libyuv's bilinear scaler (half-pixel centres); resized that way here, the score is 0.969,
 * within the published tolerance. TensorFlow's legacy bilinear resize (no half-pixel offset), which
 * the engine's stretch mode uses as the released models were evaluated, gives 0.974: the same
 * class, 0.014 from Google's score, so that one is held to 0.02.
 */
public class GoldenOutputTest {
    private static final int CHEESEBURGER = 934;

    @Test
    void quantizedFileGivesGooglesCheeseburgerScore() throws Exception {
        Path model =
                SharedFixtures.siblingModelFile(
                        "mobilenet_v1_0.25_224", "mobilenet_v1_0.25_224_quant.tflite");
        RgbImage burger = burger();
        try (InferenceEngine engine = stretchEngine(model)) {
            ScoredLabel resized = top(engine, halfPixelBilinear(burger, 224, 224));
            assertThat(resized.index()).isEqualTo(CHEESEBURGER);
            assertThat(resized.label()).isEqualTo("cheeseburger");
            assertThat((double) resized.score()).isCloseTo(0.96, within(0.01));
            ScoredLabel bilinear = top(engine, burger);
            assertThat(bilinear.index()).isEqualTo(CHEESEBURGER);
            assertThat((double) bilinear.score()).isCloseTo(0.96, within(0.02));
        }
    }

    @Test
    void floatFileIsACheeseburgerClassifierAgreeingWithTheInterpreter() throws Exception {
        Path model =
                SharedFixtures.siblingModelFile(
                        "mobilenet_v1_0.25_224", "mobilenet_v1_0.25_224.tflite");
        RgbImage burger = burger();
        try (InferenceEngine engine = stretchEngine(model);
                TfliteClassifier oracle = new TfliteClassifier(model)) {
            ScoredLabel top = top(engine, burger);
            assertThat(top.index()).isEqualTo(CHEESEBURGER);
            float[] expected = oracle.classify(burger, 224);
            assertThat((double) top.score()).isCloseTo(expected[CHEESEBURGER], within(0.01));
        }
    }

    private static RgbImage burger() throws Exception {
        return new ImageDecoder()
                .decode(SharedFixtures.dataset("detection-golden").resolve("burger.jpg"));
    }

    private static InferenceEngine stretchEngine(Path model) throws Exception {
        return InferenceEngine.open(
                ModelLocator.locate(model.toString(), null, null, null),
                EngineOptions.builder().optPreprocessing(Preprocessing.STRETCH).build());
    }

    private static ScoredLabel top(InferenceEngine engine, RgbImage image) throws Exception {
        return engine.infer(List.of(image), Outputs.classes(1)).get(0).top().get(0);
    }

    /**
     * Bilinear resampling with half-pixel centres (source x = (x + 0.5) * scale - 0.5), no
     * averaging: what libyuv's bilinear scaler does.
     */
    public static RgbImage halfPixelBilinear(RgbImage image, int width, int height) {
        double sx = (double) image.width() / width;
        double sy = (double) image.height() / height;
        byte[] out = new byte[width * height * 3];
        for (int y = 0; y < height; y++) {
            double fy = Math.max(0, (y + 0.5) * sy - 0.5);
            int y0 = Math.min((int) fy, image.height() - 1);
            int y1 = Math.min(y0 + 1, image.height() - 1);
            double dy = fy - y0;
            for (int x = 0; x < width; x++) {
                double fx = Math.max(0, (x + 0.5) * sx - 0.5);
                int x0 = Math.min((int) fx, image.width() - 1);
                int x1 = Math.min(x0 + 1, image.width() - 1);
                double dx = fx - x0;
                for (int c = 0; c < 3; c++) {
                    double top = image.sample(x0, y0, c) * (1 - dx) + image.sample(x1, y0, c) * dx;
                    double bottom =
                            image.sample(x0, y1, c) * (1 - dx) + image.sample(x1, y1, c) * dx;
                    out[(y * width + x) * 3 + c] = (byte) Math.round(top * (1 - dy) + bottom * dy);
                }
            }
        }
        return new RgbImage(width, height, out);
    }
}
