package io.ocellus.pipeline.tools;

import io.ocellus.models.inference.InferenceEngine;
import io.ocellus.models.io.ModelFormat;
import io.ocellus.models.io.ModelSource;
import io.ocellus.models.reference.TfliteInterpreter;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * The TensorFlow Lite interpreter on the same file, timed in the same run as the engine, so that
 * {@code ocellus bench} can give the engine's speed as a ratio to it (the machine's speed drifts
 * between runs). Batch 1, as the interpreter runs; as many threads as the engine.
 */
final class ReferenceBench {
    private ReferenceBench() {}

    static void compare(
            ModelSource source,
            InferenceEngine engine,
            List<Integer> batches,
            double[] engineRates,
            double seconds,
            int rounds,
            PrintWriter out) {
        if (source.format() != ModelFormat.TFLITE || source.paths().size() != 1) {
            return; // a body and head pair, a frozen graph or a SavedModel: no single file to run
        }
        Path file = source.files().get(0);
        int threads =
                engine.options().intraOpThreads() > 0
                        ? engine.options().intraOpThreads()
                        : Runtime.getRuntime().availableProcessors();
        double rate;
        try (TfliteInterpreter interpreter = new TfliteInterpreter(file, threads)) {
            if (!interpreter.takesBytes()) {
                return; // a float32 file: the engine's float path is compared by eval instead
            }
            int resolution = engine.signature().resolution();
            byte[] input = new byte[resolution * resolution * 3];
            new Random(1).nextBytes(input);
            boolean detector = engine.signature().isDetector();
            Runnable once =
                    detector ? () -> interpreter.detect(input) : () -> interpreter.run(input);
            once.run();
            double[] rates = new double[rounds];
            for (int round = 0; round < rounds; round++) {
                long deadline = System.nanoTime() + (long) (seconds / rounds * 1e9);
                long start = System.nanoTime();
                int runs = 0;
                while (System.nanoTime() < deadline || runs < 2) {
                    once.run();
                    runs++;
                }
                rates[round] = runs / ((System.nanoTime() - start) / 1e9);
            }
            Arrays.sort(rates);
            rate = rates[rounds / 2];
        } catch (LinkageError | RuntimeException e) {
            out.println("reference: the TensorFlow Lite interpreter could not run: " + e);
            return;
        }
        out.printf(
                Locale.ROOT,
                "reference: TensorFlow Lite interpreter on %s, batch 1, %d threads: %.1f images/s%n",
                file.getFileName(),
                threads,
                rate);
        for (int i = 0; i < batches.size(); i++) {
            out.printf(
                    Locale.ROOT,
                    "  engine at batch %d: %.1fx the interpreter%n",
                    batches.get(i),
                    engineRates[i] / rate);
        }
        out.flush();
    }
}
