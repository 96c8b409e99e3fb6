package io.ocellus.models.detection;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocellus.models.image.ImageDecoder;
import io.ocellus.models.inference.EngineOptions;
import io.ocellus.models.inference.InferenceEngine;
import io.ocellus.models.inference.Outputs;
import io.ocellus.models.inference.RgbImage;
import io.ocellus.models.io.ModelLocator;
import io.ocellus.models.reference.TfliteInterpreter;
import io.ocellus.models.testutils.SharedFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The detector against the TensorFlow Lite interpreter running the same file (with its own {@code
 * TFLite_Detection_PostProcess}), fed the same uint8 pixels, on every image of {@code
 * detection-golden} and {@code coco-val2017-10}: every interpreter detection scoring at least 0.3
 * is matched by one of ours with the same class, IoU >= 0.9 and a score within 0.05, and every one
 * of ours scoring at least 0.3 by one of the interpreter's. Both keep the file's 10 best. Scores
 * sit on a 1/256 grid, so several boxes may share the tenth place's score and each side may cut
 * them in another order: an interpreter detection is looked for among our 20 best (greedy
 * suppression makes our first ten the same either way), and one of ours scoring no more than the
 * interpreter's tenth is excused, since the interpreter cannot be asked for more.
 *
 * <p>Beyond that tolerance, all but at most two of the interpreter's detections per image must come
 * out bit for bit (the same score, the same box): the engine repeats the integer kernels (integer
 * steps and kernels give exact accumulators; one float32 multiply stands for TensorFlow Lite's
 * fixed-point multiplier), and on these 14 images 139 of 140 do.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DetectorFidelityTest {
    static final float REPORTED = 0.3f;

    private InferenceEngine engine;
    private TfliteInterpreter oracle;

    @BeforeAll
    void open() throws Exception {
        Path model = detectorFile();
        engine =
                InferenceEngine.open(
                        ModelLocator.locate(model.toString(), null, null, null),
                        EngineOptions.defaults());
        oracle = new TfliteInterpreter(model);
    }

    @AfterAll
    void close() {
        engine.close();
        oracle.close();
    }

    static Path detectorFile() {
        return SharedFixtures.siblingModelFile(
                "ssd_mobilenet_v1_coco", "ssd_mobilenet_v1_coco_quant.tflite");
    }

    static Stream<Path> images() throws IOException {
        List<Path> images = new ArrayList<>();
        try (Stream<Path> golden = Files.list(SharedFixtures.dataset("detection-golden"));
                Stream<Path> coco =
                        Files.list(SharedFixtures.dataset("coco-val2017-10").resolve("images"))) {
            golden.filter(p -> p.toString().endsWith(".jpg")).sorted().forEach(images::add);
            coco.filter(p -> p.toString().endsWith(".jpg")).sorted().forEach(images::add);
        }
        return images.stream();
    }

    @ParameterizedTest
    @MethodSource("images")
    void matchesTheInterpreter(Path file) throws Exception {
        RgbImage image = new ImageDecoder().decode(file);
        byte[] pixels = TfliteInterpreter.quantizedInput(image, 300);
        List<Detection> theirs = oracle.detections(pixels);
        List<Detection> ours = ours(pixels, 10);
        long exact =
                theirs.stream()
                        .filter(
                                t ->
                                        ours.stream()
                                                .anyMatch(
                                                        o ->
                                                                o.index() == t.index()
                                                                        && o.score() == t.score()
                                                                        && o.iou(t.clipped())
                                                                                > 0.999))
                        .count();
        assertThat(exact)
                .as("%s: bit-identical detections", file)
                .isGreaterThanOrEqualTo(theirs.size() - 2L);
        assertThat(ours).isEqualTo(ours(pixels, 20).subList(0, ours.size()));
        assertMatched(file + ": interpreter's", theirs, ours(pixels, 20), -1f);
        float theirTenth = theirs.size() >= 10 ? theirs.get(9).score() : -1f;
        assertMatched(file + ": ours", ours, theirs, theirTenth);
    }

    /** The same uint8 levels, as the engine's input range maps them: (q - 128) / 128. */
    private List<Detection> ours(byte[] pixels, int max) throws Exception {
        return engine.inferLevels(
                        pixels, 1, Outputs.detections(new Outputs.DetectionQuery(max, 0f)))
                .get(0)
                .detections();
    }

    private static void assertMatched(
            String what, List<Detection> from, List<Detection> in, float cutOff) {
        for (Detection d : from) {
            if (d.score() < REPORTED) {
                continue;
            }
            if (d.score() <= cutOff) {
                continue; // the other side's cut-off: see the class comment
            }
            assertThat(
                            in.stream()
                                    .anyMatch(
                                            o ->
                                                    o.index() == d.index()
                                                            && o.iou(d.clipped()) >= 0.9
                                                            && Math.abs(o.score() - d.score())
                                                                    <= 0.05))
                    .as("%s %s matched in %s", what, d, in)
                    .isTrue();
        }
    }
}
