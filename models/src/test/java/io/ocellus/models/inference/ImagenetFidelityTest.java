package io.ocellus.models.inference;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocellus.models.image.ImageDecoder;
import io.ocellus.models.io.ModelLocator;
import io.ocellus.models.io.ModelSource;
import io.ocellus.models.testutils.SharedFixtures;
import io.ocellus.models.testutils.TfliteClassifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Fidelity on many real photos: for every released file in ../shared/models, the engine's top-1
 * agrees with the TensorFlow Lite interpreter running the same file on the same decoded pixels
 * (stretch), on ImageNet validation images of {@code imagenet-val-1300}: on at least 99% of the
 * images where the interpreter's top-1 leads its top-2 by more than 0.05, and 96% of all (near-ties
 * flip either way with the last bit of a sum: on all 1300 images every file agrees on 98.7% or
 * more, README: fidelity). A build runs {@code ocellus.fidelity.images} of them (100, spread over
 * the set); {@code -Docellus.fidelity.images=1300} runs them all.
 */
class ImagenetFidelityTest {
    private static final float CLEAR_LEAD = 0.05f;
    private static final int BATCH = 32;

    @ParameterizedTest(name = "{0}/{1}")
    @CsvSource({
        "mobilenet_v1, mobilenet_v1_0.25_128_quant.tflite",
        "mobilenet_v1, mobilenet_v1_0.5_160_quant.tflite",
        "mobilenet_v1, mobilenet_v1_0.75_192_quant.tflite",
        "mobilenet_v1, mobilenet_v1_1.0_224_quant_embedding_extractor.tflite",
        "mobilenet_v1_0.25_224, mobilenet_v1_0.25_224_quant.tflite",
        "mobilenet_v1_0.25_224, mobilenet_v1_0.25_224.tflite"
    })
    void agreesWithTheInterpreterOnLabelledPhotos(String folder, String file) throws Exception {
        Path model = SharedFixtures.siblingModelFile(folder, file);
        List<Path> images = sample();
        ModelSource source = ModelLocator.locate(model.toString(), null, null, null);
        ImageDecoder decoder = new ImageDecoder();
        int clear = 0;
        int clearAgreed = 0;
        int agreed = 0;
        EngineOptions stretch =
                EngineOptions.builder()
                        .optPreprocessing(Preprocessing.STRETCH)
                        .optIntraOpThreads(2)
                        .build();
        try (InferenceEngine engine = InferenceEngine.open(source, stretch);
                TfliteClassifier oracle = new TfliteClassifier(model)) {
            int resolution = engine.signature().resolution();
            for (int from = 0; from < images.size(); from += BATCH) {
                List<RgbImage> batch = new ArrayList<>();
                for (Path image : images.subList(from, Math.min(images.size(), from + BATCH))) {
                    batch.add(decoder.decode(image));
                }
                List<Prediction> answers = engine.infer(batch, Outputs.classes(1));
                for (int i = 0; i < batch.size(); i++) {
                    float[] expected = oracle.classify(batch.get(i), resolution);
                    int[] best = SharedFixtures.topTwo(expected);
                    boolean same = answers.get(i).top().get(0).index() == best[0];
                    agreed += same ? 1 : 0;
                    if (expected[best[0]] - expected[best[1]] > CLEAR_LEAD) {
                        clear++;
                        clearAgreed += same ? 1 : 0;
                    }
                }
            }
        }
        System.out.printf(
                Locale.ROOT,
                "fidelity %s: top-1 agreement %.2f%% (%d/%d) overall, %.2f%% (%d/%d) where the"
                        + " interpreter leads by > %.2f%n",
                file,
                100.0 * agreed / images.size(),
                agreed,
                images.size(),
                100.0 * clearAgreed / clear,
                clearAgreed,
                clear,
                CLEAR_LEAD);
        assertThat((double) clearAgreed / clear)
                .as("%s: clear-lead agreement", file)
                .isGreaterThanOrEqualTo(0.99);
        assertThat((double) agreed / images.size())
                .as("%s: overall agreement", file)
                .isGreaterThanOrEqualTo(0.96);
    }

    /** {@code ocellus.fidelity.images} images spread evenly over the labelled set. */
    private static List<Path> sample() throws IOException {
        Path dir = SharedFixtures.dataset("imagenet-val-1300").resolve("images");
        List<Path> all;
        try (Stream<Path> files = Files.list(dir)) {
            all = files.sorted().toList();
        }
        int wanted = Integer.getInteger("ocellus.fidelity.images", 100);
        List<Path> sample = new ArrayList<>();
        double step = Math.max(1.0, (double) all.size() / wanted);
        for (double at = 0; at < all.size() && sample.size() < wanted; at += step) {
            sample.add(all.get((int) at));
        }
        return sample;
    }
}
