package io.ocellus.models.io;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;

/**
 * A small, serializable description of a model to load: what a job ships to its workers, which load
 * the heavy native model in {@code open()}. Build one with {@link ModelLocator}.
 *
 * @param format the file format
 * @param paths the model's files (for TensorFlow Lite, body first then head), or its directory
 * @param labels the label file, or null to name classes by index
 * @param resolution the input resolution to build the network at, or null for the model's own.
 *     TensorFlow Lite weights are convolution kernels and work at any resolution of at least 32
 *     (300 gives SSD's 19x19 and 10x10 maps); frozen graphs and SavedModels have a fixed one.
 */
public record ModelSource(ModelFormat format, List<String> paths, String labels, Integer resolution)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public ModelSource {
        paths = List.copyOf(paths);
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("a model source needs at least one path");
        }
        if (resolution != null && resolution < 32) {
            throw new IllegalArgumentException("resolution must be at least 32, got " + resolution);
        }
    }

    public List<Path> files() {
        return paths.stream().map(Path::of).toList();
    }

    @Override
    public String toString() {
        return format + " " + paths + (resolution == null ? "" : " at " + resolution);
    }
}
