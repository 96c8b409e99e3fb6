package io.ocellus.pipeline.testutils;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ocellus.models.ModelException;
import io.ocellus.models.inference.EngineFactory;
import io.ocellus.models.inference.EngineOptions;
import io.ocellus.models.inference.Preprocessing;
import io.ocellus.models.io.ModelLocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/** The real weights and pictures of ../shared for integration tests, skipped when absent. */
public final class Samples {
    private Samples() {}

    public static Path images() {
        Path images = Path.of(System.getProperty("ocellus.images.dir", "../shared/images"));
        assumeTrue(Files.isDirectory(images), "test images not found: skipped");
        return images;
    }

    /** The sample JPEG and BMP files by name, in name order. */
    public static Map<String, byte[]> pictures() throws IOException {
        Map<String, byte[]> pictures = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(images())) {
            for (Path file :
                    files.filter(f -> f.toString().matches(".*\\.(jpg|bmp)")).sorted().toList()) {
                pictures.put(file.getFileName().toString(), Files.readAllBytes(file));
            }
        }
        return pictures;
    }

    /** The engine of a real model, pre-processing as TensorFlow Lite's label_image. */
    public static EngineFactory engine(double alpha, int resolution) throws ModelException {
        Path models = ModelLocator.defaultDirectory();
        assumeTrue(models != null && Files.isDirectory(models), "weights not found: skipped");
        return new EngineFactory(
                ModelLocator.locate(models.toString(), alpha, resolution, null),
                EngineOptions.builder()
                        .optPreprocessing(Preprocessing.STRETCH)
                        .optIntraOpThreads(2)
                        .build());
    }
}
