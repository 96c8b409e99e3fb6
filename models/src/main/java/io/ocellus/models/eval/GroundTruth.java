package io.ocellus.models.eval;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * The true class of each image of a labelled set, read from lines {@code file<TAB>index} (further
 * columns ignored, blank lines and lines starting with {@code #} skipped), the layout of ImageNet
 * validation lists such as {@code imagenet-val-1300/labels.tsv}. An image matches a line by its
 * file name. Immutable.
 */
public final class GroundTruth {
    private final Map<String, Integer> classes;

    private GroundTruth(Map<String, Integer> classes) {
        this.classes = Map.copyOf(classes);
    }

    /**
     * Reads a labels file.
     *
     * @throws IllegalArgumentException naming the line when one is not {@code file<TAB>index} or
     *     names a file twice
     */
    public static GroundTruth read(Path file) throws IOException {
        return parse(Files.readAllLines(file, StandardCharsets.UTF_8), file.toString());
    }

    static GroundTruth parse(List<String> lines, String source) {
        Map<String, Integer> classes = new HashMap<>();
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] fields = line.split("\t");
            if (fields.length < 2 || !fields[1].strip().matches("\\d+")) {
                throw new IllegalArgumentException(
                        String.format(
                                "%s line %d: expected file<TAB>class index, got \"%s\"",
                                source, n + 1, line));
            }
            String name = Path.of(fields[0].strip()).getFileName().toString();
            if (classes.put(name, Integer.parseInt(fields[1].strip())) != null) {
                throw new IllegalArgumentException(
                        String.format("%s line %d: %s is labelled twice", source, n + 1, name));
            }
        }
        return new GroundTruth(classes);
    }

    /** The true class of an image, by its file name; empty when the set does not label it. */
    public OptionalInt classOf(Path image) {
        Integer index = classes.get(image.getFileName().toString());
        return index == null ? OptionalInt.empty() : OptionalInt.of(index);
    }

    /** The number of labelled files. */
    public int size() {
        return classes.size();
    }
}
