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
 */
public record ModelSource(ModelFormat format, List<String> paths, String labels)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public ModelSource {
        paths = List.copyOf(paths);
        if (paths.isEmpty()) {
            throw new IllegalArgumentException("a model source needs at least one path");
        }
    }

    public List<Path> files() {
        return paths.stream().map(Path::of).toList();
    }

    @Override
    public String toString() {
        return format + " " + paths;
    }
}
