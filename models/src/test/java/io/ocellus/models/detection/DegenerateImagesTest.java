package io.ocellus.models.detection;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocellus.models.inference.InferenceEngine;
import io.ocellus.models.inference.Outputs;
import io.ocellus.models.inference.Prediction;
import io.ocellus.models.inference.RgbImage;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Images no camera sends still give zero or valid boxes inside the image, never an error. */
class DegenerateImagesTest {
    @Test
    void tinyThinBlackAndNoiseImagesGiveValidBoxes() throws Exception {
        byte[] noise = new byte[64 * 64 * 3];
        new Random(7).nextBytes(noise);
        List<RgbImage> images =
                List.of(
                        new RgbImage(1, 1, new byte[3]),
                        new RgbImage(10_000, 10, new byte[10_000 * 10 * 3]),
                        new RgbImage(10, 10_000, filled(10 * 10_000 * 3, (byte) 255)),
                        new RgbImage(640, 480, new byte[640 * 480 * 3]),
                        new RgbImage(64, 64, noise));
        try (InferenceEngine engine =
                DetectionAccuracyTest.open(DetectorFidelityTest.detectorFile())) {
            List<Prediction> predictions =
                    engine.infer(images, Outputs.detections(new Outputs.DetectionQuery(100, 0f)));
            assertThat(predictions).hasSize(images.size());
            for (Prediction prediction : predictions) {
                assertThat(prediction.detections()).hasSizeLessThanOrEqualTo(100);
                for (Detection d : prediction.detections()) {
                    assertThat(d.score()).isBetween(0f, 1f);
                    assertThat(List.of(d.ymin(), d.xmin(), d.ymax(), d.xmax()))
                            .allSatisfy(v -> assertThat(v).isBetween(0f, 1f));
                    assertThat(d.ymin()).isLessThanOrEqualTo(d.ymax());
                    assertThat(d.xmin()).isLessThanOrEqualTo(d.xmax());
                    assertThat(d.index()).isBetween(0, 89);
                }
            }
        }
    }

    private static byte[] filled(int n, byte value) {
        byte[] bytes = new byte[n];
        java.util.Arrays.fill(bytes, value);
        return bytes;
    }
}
