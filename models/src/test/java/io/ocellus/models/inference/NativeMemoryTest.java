package io.ocellus.models.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ocellus.models.io.ModelLocator;
import io.ocellus.models.io.ModelSource;
import io.ocellus.models.mobilenet.Layer;
import io.ocellus.models.mobilenet.MobileNetV1Spec;
import io.ocellus.models.testutils.SharedFixtures;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.bytedeco.javacpp.Pointer;
import org.junit.jupiter.api.Test;

/**
 * Native memory is released deterministically and a long run does not grow. The first test counts
 * JavaCPP's live native objects, which catches any tensor left to the garbage collector. The others
 * watch the resident set less the JVM's own pools while every batch fetches all 27 activation maps
 * (about 2 MB of native tensors per image): a real leak adds hundreds of megabytes, the allocator's
 * own ups and downs stay in the tens.
 */
class NativeMemoryTest {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final long BOUND_MB = 150;

    @Test
    void closesEveryNativeObjectACallCreates() throws Exception {
        // JavaCPP counts the native objects it has handed out and not yet released. Every tensor,
        // status and buffer a call creates must be released when the call returns, not left to
        // the garbage collector: the count may not rise over many calls.
        Random random = new Random(5);
        List<Outputs> kinds =
                List.of(
                        Outputs.classes(5),
                        Outputs.embedding(true),
                        Outputs.detectionFeatures(),
                        new Outputs(3, true, true, false, Outputs.DETECTION_LAYERS));
        try (InferenceEngine engine = InferenceEngine.open(source(), EngineOptions.defaults())) {
            List<RgbImage> images = images(random, 3);
            for (Outputs kind : kinds) {
                engine.infer(images, kind);
            }
            settle();
            long before = Pointer.totalCount();
            for (int i = 0; i < 30; i++) {
                for (Outputs kind : kinds) {
                    engine.infer(images, kind);
                }
            }
            assertThat(Pointer.totalCount() - before)
                    .as("native objects left over")
                    .isLessThanOrEqualTo(0);
        }
    }

    @Test
    void aLongRunDoesNotGrow() throws Exception {
        assumeTrue(Files.isReadable(STATUS), "needs /proc/self/status (Linux)");
        Random random = new Random(3);
        try (InferenceEngine engine = InferenceEngine.open(source(), EngineOptions.defaults())) {
            runBatches(engine, random, 60);
            long before = peak(engine, random);
            runBatches(engine, random, 300);
            long after = low(engine, random);
            assertThat(after - before).as("native MB grown over 300 batches").isLessThan(BOUND_MB);
        }
    }

    @Test
    void closedEnginesGiveTheirMemoryBack() throws Exception {
        assumeTrue(Files.isReadable(STATUS), "needs /proc/self/status (Linux)");
        ModelSource source = source();
        Random random = new Random(4);
        cycle(source, random);
        long before = nativeMegabytes();
        for (int i = 0; i < 8; i++) {
            cycle(source, random);
        }
        assertThat(nativeMegabytes() - before)
                .as("native MB grown over 8 engines")
                .isLessThan(BOUND_MB);
    }

    /** The highest of three readings a few batches apart. */
    private static long peak(InferenceEngine engine, Random random) throws Exception {
        return readings(engine, random).stream().mapToLong(Long::longValue).max().orElseThrow();
    }

    /** The lowest of three readings a few batches apart. */
    private static long low(InferenceEngine engine, Random random) throws Exception {
        return readings(engine, random).stream().mapToLong(Long::longValue).min().orElseThrow();
    }

    private static List<Long> readings(InferenceEngine engine, Random random) throws Exception {
        List<Long> readings = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            runBatches(engine, random, 10);
            readings.add(nativeMegabytes());
        }
        return readings;
    }

    private static void cycle(ModelSource source, Random random) throws Exception {
        try (InferenceEngine engine = InferenceEngine.open(source, EngineOptions.defaults())) {
            runBatches(engine, random, 10);
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
        Set<String> layers =
                MobileNetV1Spec.of(0.25, 128).bodyLayers().stream()
                        .map(Layer::name)
                        .collect(Collectors.toSet());
        Outputs everything = new Outputs(5, true, true, true, layers);
        for (int b = 0; b < batches; b++) {
            List<RgbImage> images = images(random, 1 + random.nextInt(8));
            assertThat(engine.infer(images, everything)).hasSize(images.size());
        }
    }

    private static List<RgbImage> images(Random random, int count) {
        byte[] pixels = new byte[160 * 120 * 3];
        random.nextBytes(pixels);
        List<RgbImage> images = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            images.add(new RgbImage(160, 120, pixels));
        }
        return images;
    }

    /** Lets the collector and JavaCPP's deallocator thread release what earlier work left. */
    private static void settle() throws InterruptedException {
        for (int i = 0; i < 2; i++) {
            System.gc();
            Thread.sleep(150);
        }
    }

    /** The resident set less the JVM's committed heap and non-heap memory, in megabytes. */
    private static long nativeMegabytes() throws Exception {
        settle();
        long resident = -1;
        for (String line : Files.readAllLines(STATUS)) {
            if (line.startsWith("VmRSS:")) {
                resident = Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        if (resident < 0) {
            throw new IllegalStateException("no VmRSS in " + STATUS);
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long jvm =
                memory.getHeapMemoryUsage().getCommitted()
                        + memory.getNonHeapMemoryUsage().getCommitted();
        return (resident - jvm) / (1024 * 1024);
    }
}
