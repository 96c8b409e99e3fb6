package io.ocellus.models.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ocellus.models.io.ModelLocator;
import io.ocellus.models.io.ModelSource;
import io.ocellus.models.testutils.SharedFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A long run does not grow: the resident set of the process (Java heap plus TensorFlow's native
 * memory) stays flat over hundreds of batches of varying size, and engines opened and closed in
 * turn give their memory back.
 */
class NativeMemoryTest {
    private static final Path STATUS = Path.of("/proc/self/status");

    @Test
    void aLongRunDoesNotGrow() throws Exception {
        assumeTrue(Files.isReadable(STATUS), "needs /proc/self/status (Linux)");
        ModelSource source = source();
        Random random = new Random(3);
        try (InferenceEngine engine = InferenceEngine.open(source, EngineOptions.defaults())) {
            runBatches(engine, random, 200);
            long warm = residentMegabytes();
            runBatches(engine, random, 500);
            assertThat(residentMegabytes() - warm).as("MB grown over 500 batches").isLessThan(40);
        }
    }

    @Test
    void closedEnginesGiveTheirMemoryBack() throws Exception {
        assumeTrue(Files.isReadable(STATUS), "needs /proc/self/status (Linux)");
        ModelSource source = source();
        Random random = new Random(4);
        cycle(source, random);
        cycle(source, random);
        long warm = residentMegabytes();
        for (int i = 0; i < 6; i++) {
            cycle(source, random);
        }
        assertThat(residentMegabytes() - warm).as("MB grown over 6 engines").isLessThan(60);
    }

    private static void cycle(ModelSource source, Random random) throws Exception {
        try (InferenceEngine engine = InferenceEngine.open(source, EngineOptions.defaults())) {
            runBatches(engine, random, 20);
        }
    }

    private static ModelSource source() throws Exception {
        return ModelLocator.locate(
                SharedFixtures.modelFile("mobilenet_v1_0.25_128_quant.tflite").toString(),
                null,
                null,
                null);
    }

    private static void runBatches(InferenceEngine engine, Random random, int batches)
            throws Exception {
        Outputs everything = new Outputs(5, true, true, true, Outputs.DETECTION_LAYERS);
        for (int b = 0; b < batches; b++) {
            byte[] pixels = new byte[160 * 120 * 3];
            random.nextBytes(pixels);
            List<RgbImage> images = new ArrayList<>();
            for (int i = 0, n = 1 + random.nextInt(8); i < n; i++) {
                images.add(new RgbImage(160, 120, pixels));
            }
            assertThat(engine.infer(images, everything)).hasSize(images.size());
        }
    }

    private static long residentMegabytes() throws Exception {
        System.gc();
        for (String line : Files.readAllLines(STATUS)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in " + STATUS);
    }
}
