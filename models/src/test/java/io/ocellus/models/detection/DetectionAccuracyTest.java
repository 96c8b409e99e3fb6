package io.ocellus.models.detection;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ocellus.models.eval.DetectionMap;
import io.ocellus.models.image.ImageDecoder;
import io.ocellus.models.inference.EngineOptions;
import io.ocellus.models.inference.GoldenOutputTest;
import io.ocellus.models.inference.InferenceEngine;
import io.ocellus.models.inference.Outputs;
import io.ocellus.models.inference.Precision;
import io.ocellus.models.inference.RgbImage;
import io.ocellus.models.io.ModelLocator;
import io.ocellus.models.reference.TfliteInterpreter;
import io.ocellus.models.testutils.CocoBoxes;
import io.ocellus.models.testutils.SharedFixtures;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Accuracy against labelled boxes and Google's published outputs.
 *
 * <ul>
 *   <li>mAP@0.5 on {@code coco-val2017-10} (COCO's thing boxes), ours and the TensorFlow Lite
 *       interpreter's on the same file and pixels (the whole image stretched to 300x300, legacy
 *       bilinear, truncated to uint8, the file's 10 best per image): ours, with the 8-bit grids,
 *       with float activations and in bf16, is at least the interpreter's minus 0.01.
 *   <li>{@code detection-golden/cats_and_dogs.jpg}: Google's four boxes (tflite-support's object
 *       detector test) with the same class and the score within that test's 0.05, the image resized
 *       as that test resizes it (half-pixel centres, libyuv's convention; with TensorFlow's legacy
 *       bilinear, which the fidelity test uses, the fourth box comes out as a cat at 0.49 rather
 *       than a dog at 0.50, as GOLDEN.md warns near-equal boxes may). Edges are held to 6 px of the
 *       1200x600 frame instead of that test's 3: 14 of the 16 edges are within 3 px, one is 3.9 and
 *       one 4.3 px off (libyuv also filters when it shrinks 4x, which the plain half-pixel bilinear
 *       here does not), and boxes are clipped to the frame where Google's run past its edge (604
 *       for 600).
 *   <li>{@code detection-golden/table.jpg}: the TFLite Android example's four objects (dining
 *       table, knife, cup, book in the 640x480 frame) found with the same class and a box
 *       overlapping the published one by more than 90%, as that test asks, with the same half-pixel
 *       resize. Its scores are held to 0.035 instead of its 0.01: the example scales with Android's
 *       bitmap filter, and here the dining table scores the same 0.488, the knife and the cup 0.011
 *       above, the book 0.031 above.
 * </ul>
 */
class DetectionAccuracyTest {
    @Test
    void mapOnTenCocoImagesIsAtLeastTheInterpretersMinusOneHundredth() throws Exception {
        Path dataset = SharedFixtures.dataset("coco-val2017-10");
        Map<String, List<CocoBoxes.PixelBox>> boxes =
                CocoBoxes.read(dataset.resolve("annotations.jsonl"));
        DetectionMap ours = new DetectionMap(0.5);
        DetectionMap oursFloat = new DetectionMap(0.5);
        DetectionMap oursBf16 = new DetectionMap(0.5);
        DetectionMap theirs = new DetectionMap(0.5);
        Path model = DetectorFidelityTest.detectorFile();
        try (InferenceEngine engine = open(model);
                InferenceEngine floatEngine =
                        InferenceEngine.open(
                                ModelLocator.locate(model.toString(), null, null, null),
                                EngineOptions.builder().optQuantizedActivations(false).build());
                InferenceEngine bf16Engine =
                        InferenceEngine.open(
                                ModelLocator.locate(model.toString(), null, null, null),
                                EngineOptions.builder().optPrecision(Precision.BF16).build());
                TfliteInterpreter oracle = new TfliteInterpreter(model)) {
            for (var entry : boxes.entrySet()) {
                RgbImage image =
                        new ImageDecoder()
                                .decode(dataset.resolve("images").resolve(entry.getKey()));
                List<Detection> truth = new ArrayList<>();
                entry.getValue()
                        .forEach(b -> truth.add(b.normalised(image.width(), image.height())));
                byte[] pixels = TfliteInterpreter.quantizedInput(image, 300);
                ours.add(truth, top10(engine, pixels));
                oursFloat.add(truth, top10(floatEngine, pixels));
                oursBf16.add(truth, top10(bf16Engine, pixels));
                theirs.add(
                        truth, oracle.detections(pixels).stream().map(Detection::clipped).toList());
            }
        }
        assertThat(ours.images()).isEqualTo(10);
        double oursMap = ours.meanAveragePrecision();
        double theirMap = theirs.meanAveragePrecision();
        double floatMap = oursFloat.meanAveragePrecision();
        double bf16Map = oursBf16.meanAveragePrecision();
        System.out.printf(
                "coco-val2017-10 mAP@0.5: ours %.4f (float activations %.4f, bf16 %.4f), TFLite"
                        + " interpreter %.4f (%d classes)%n",
                oursMap, floatMap, bf16Map, theirMap, ours.averagePrecisions().size());
        assertThat(theirMap).isGreaterThan(0.2); // the measure itself works
        assertThat(oursMap).isGreaterThanOrEqualTo(theirMap - 0.01);
        assertThat(floatMap).isGreaterThanOrEqualTo(theirMap - 0.01);
        // bf16 (fp32 on a CPU without it): its first convolution padded to 4 channels
        assertThat(bf16Map).isGreaterThanOrEqualTo(theirMap - 0.01);
    }

    @Test
    void catsAndDogsGivesGooglesBoxes() throws Exception {
        RgbImage image =
                new ImageDecoder()
                        .decode(
                                SharedFixtures.dataset("detection-golden")
                                        .resolve("cats_and_dogs.jpg"));
        // x, y, width, height in the 1200x600 frame; class; score (GOLDEN.md)
        double[][] golden = {
            {54, 396, 393, 196, 16, 0.64},
            {602, 157, 394, 447, 16, 0.61},
            {260, 394, 180, 209, 16, 0.56},
            {389, 197, 278, 409, 17, 0.50},
        };
        try (InferenceEngine engine = open(DetectorFidelityTest.detectorFile())) {
            List<Detection> found =
                    engine.infer(
                                    List.of(GoldenOutputTest.halfPixelBilinear(image, 300, 300)),
                                    Outputs.detections(Outputs.DetectionQuery.DEFAULT))
                            .get(0)
                            .detections();
            for (double[] g : golden) {
                Detection match =
                        found.stream()
                                .filter(d -> d.index() == (int) g[4])
                                .filter(d -> Math.abs(d.xmin() * 1200 - g[0]) <= 6)
                                .filter(d -> Math.abs(d.ymin() * 600 - g[1]) <= 6)
                                .filter(d -> Math.abs(d.xmax() * 1200 - g[0] - g[2]) <= 6)
                                .filter(d -> Math.abs(d.ymax() * 600 - g[1] - g[3]) <= 6)
                                .findFirst()
                                .orElse(null);
                assertThat(match)
                        .as("golden box %s in %s", java.util.Arrays.toString(g), found)
                        .isNotNull();
                assertThat((double) match.score()).isCloseTo(g[5], within(0.05));
                assertThat(match.label()).isEqualTo(g[4] == 16 ? "cat" : "dog");
            }
        }
    }

    @Test
    void tableGivesTheAndroidExamplesObjects() throws Exception {
        RgbImage image =
                new ImageDecoder()
                        .decode(SharedFixtures.dataset("detection-golden").resolve("table.jpg"));
        // left, top, right, bottom in the 640x480 frame; class; score (GOLDEN.md)
        Object[][] golden = {
            {"dining table", 27.5, 97.9, 623.1, 444.9, 0.488},
            {"knife", 342.5, 243.7, 583.9, 416.3, 0.477},
            {"cup", 68.0, 197.6, 202.0, 374.2, 0.438},
            {"book", 185.4, 139.6, 244.5, 203.4, 0.313},
        };
        try (InferenceEngine engine = open(DetectorFidelityTest.detectorFile())) {
            List<Detection> found =
                    engine.infer(
                                    List.of(GoldenOutputTest.halfPixelBilinear(image, 300, 300)),
                                    Outputs.detections(new Outputs.DetectionQuery(10, 0.25f)))
                            .get(0)
                            .detections();
            for (Object[] g : golden) {
                Detection expected =
                        new Detection(
                                0,
                                (String) g[0],
                                1f,
                                (float) ((double) g[2] / 480),
                                (float) ((double) g[1] / 640),
                                (float) ((double) g[4] / 480),
                                (float) ((double) g[3] / 640));
                assertThat(found)
                        .as("%s in %s", java.util.Arrays.toString(g), found)
                        .anyMatch(
                                d ->
                                        d.label().equals(g[0])
                                                && d.iou(expected) > 0.9
                                                && Math.abs(d.score() - (double) g[5]) <= 0.035);
            }
        }
    }

    static InferenceEngine open(Path model) throws Exception {
        return InferenceEngine.open(
                ModelLocator.locate(model.toString(), null, null, null), EngineOptions.defaults());
    }

    /** The file's 10 best on the interpreter's uint8 levels. */
    private static List<Detection> top10(InferenceEngine engine, byte[] levels) throws Exception {
        return engine.inferLevels(levels, 1, Outputs.detections(new Outputs.DetectionQuery(10, 0f)))
                .get(0)
                .detections();
    }
}
