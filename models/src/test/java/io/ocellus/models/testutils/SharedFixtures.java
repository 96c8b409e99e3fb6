package io.ocellus.models.testutils;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ocellus.models.io.ModelLocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where tests find the real weights and images: {@code ocellus.model.dir} and {@code
 * ocellus.images.dir} (set by the build to ../shared), else {@code OCELLUS_MODEL_DIR}. Tests that
 * need them are skipped, with a message, when they are absent.
 */
public final class SharedFixtures {
    private SharedFixtures() {}

    /** The model directory; skips the test when there is none. */
    public static Path modelDir() {
        Path dir = ModelLocator.defaultDirectory();
        assumeTrue(
                dir != null && Files.isDirectory(dir),
                "MobileNet weights not found (set OCELLUS_MODEL_DIR or -Docellus.model.dir): skipped");
        return dir;
    }

    /** A model file of the model directory; skips the test when it is absent. */
    public static Path modelFile(String name) {
        Path file = modelDir().resolve(name);
        assumeTrue(Files.isRegularFile(file), name + " not in the model directory: skipped");
        return file;
    }

    /**
     * A model file in a sibling folder of the model directory ({@code
     * ../shared/models/mobilenet_v1_0.25_224}, say); skips the test when it is absent.
     */
    public static Path siblingModelFile(String folder, String name) {
        Path file = modelDir().resolveSibling(folder).resolve(name);
        assumeTrue(Files.isRegularFile(file), file + " not found: skipped");
        return file;
    }

    /**
     * A dataset of ../shared/datasets ({@code ocellus.datasets.dir}, set by the build); skips the
     * test when it is absent.
     */
    public static Path dataset(String name) {
        String property = System.getProperty("ocellus.datasets.dir");
        Path dir =
                (property != null ? Path.of(property) : Path.of("..", "..", "shared", "datasets"))
                        .resolve(name);
        assumeTrue(Files.isDirectory(dir), "dataset not found at " + dir + ": skipped");
        return dir;
    }

    /** The test images directory; skips the test when there is none. */
    public static Path imagesDir() {
        String property = System.getProperty("ocellus.images.dir");
        Path dir = property != null ? Path.of(property) : Path.of("..", "shared", "images");
        assumeTrue(Files.isDirectory(dir), "test images not found at " + dir + ": skipped");
        return dir;
    }

    /** Every picture in the images directory, sorted by name. */
    public static List<Path> images() {
        try (Stream<Path> files = Files.list(imagesDir())) {
            return files.filter(
                            file ->
                                    file.getFileName()
                                            .toString()
                                            .matches("(?i).*\\.(jpe?g|png|bmp|gif)"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The indices of the largest and the second largest value. */
    public static int[] topTwo(float[] v) {
        int first = v[1] > v[0] ? 1 : 0;
        int second = 1 - first;
        for (int i = 2; i < v.length; i++) {
            if (v[i] > v[first]) {
                second = first;
                first = i;
            } else if (v[i] > v[second]) {
                second = i;
            }
        }
        return new int[] {first, second};
    }

    /** The cosine similarity of two vectors. */
    public static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += (double) a[i] * b[i];
            na += (double) a[i] * a[i];
            nb += (double) b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
