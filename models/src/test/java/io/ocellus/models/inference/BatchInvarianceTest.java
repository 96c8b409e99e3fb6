package io.ocellus.models.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ocellus.models.image.ImageDecoder;
import io.ocellus.models.io.ModelLocator;
import io.ocellus.models.testutils.SharedFixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A frame's answer does not depend on the batch it runs in. oneDNN picks its kernels by batch size
 * (on AVX2, {@code brgconv_1x1} for one image and {@code jit_1x1} for four in 0.5_160's 10x10
 * pointwise layers), and the 8-bit grids' floors would turn their float32 rounding into whole steps
 * (0.03 on a top score); integer sums make every kernel give the same steps.
 */
class BatchInvarianceTest {

    @ParameterizedTest
    @CsvSource({"0.5, 160", "0.25, 128"})
    void eachFrameGetsTheSameScoresAloneAndInAWholeBatch(double alpha, int resolution)
            throws Exception {
        ImageDecoder decoder = new ImageDecoder();
        List<RgbImage> images = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Path file : SharedFixtures.images()) {
            images.add(decoder.decode(file));
            names.add(file.getFileName().toString());
        }
        // Two intra-op threads: the batch runs whole, one session run, not in slices.
        EngineOptions whole = EngineOptions.builder().optIntraOpThreads(2).build();
        try (InferenceEngine engine =
                InferenceEngine.open(
                        ModelLocator.locate(
                                SharedFixtures.modelDir().toString(), alpha, resolution, null),
                        whole)) {
            List<Prediction> together = engine.infer(images, Outputs.classes(5));
            for (int i = 0; i < images.size(); i++) {
                Prediction alone = engine.infer(List.of(images.get(i)), Outputs.classes(5)).get(0);
                List<ScoredLabel> batched = together.get(i).top();
                assertThat(alone.top()).as(names.get(i)).hasSameSizeAs(batched);
                for (int k = 0; k < batched.size(); k++) {
                    assertThat(alone.top().get(k).index())
                            .as(names.get(i))
                            .isEqualTo(batched.get(k).index());
                    // A step of the grids moves a score by 1e-3 or more; the softmax's last
                    // bits may differ with the batch.
                    assertThat(alone.top().get(k).score())
                            .as(names.get(i))
                            .isCloseTo(batched.get(k).score(), within(1e-6f));
                }
            }
        }
    }
}
