package io.ocellus.models.inference;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Class labels by index, one per line of a text file ({@code imagenet_labels.txt}: line 0 is {@code
 * background}). Immutable.
 */
public final class Labels {
    private final List<String> names;

    private Labels(List<String> names) {
        this.names = List.copyOf(names);
    }

    public static Labels of(List<String> names) {
        return new Labels(names);
    }

    /** Reads one label per line; blank trailing lines are ignored. */
    public static Labels read(Path file) throws IOException {
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
            lines.remove(lines.size() - 1);
        }
        return new Labels(lines.stream().map(String::strip).toList());
    }

    /** No names: every class is called by its index. */
    public static Labels none() {
        return new Labels(List.of());
    }

    public int size() {
        return names.size();
    }

    /** The label of class {@code index}, or {@code class_<index>} when there is none. */
    public String label(int index) {
        return index >= 0 && index < names.size() ? names.get(index) : "class_" + index;
    }
}
