package io.ocellus.pipeline.archive;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * A set of entries by key ({@code sourceId}, {@code frameId}): the entries a resumed run skips.
 * Kept in a text file, one key per line, so that every source reader can load it where it runs.
 */
public final class EntryKeys implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final Set<String> keys = new HashSet<>();

    /** The key of an entry. */
    public static String key(String sourceId, String frameId) {
        return sourceId + '\u0000' + frameId;
    }

    public boolean add(String sourceId, String frameId) {
        return keys.add(key(sourceId, frameId));
    }

    public boolean contains(String sourceId, String frameId) {
        return keys.contains(key(sourceId, frameId));
    }

    /** Adds a key made by {@link #key}. */
    void addKey(String key) {
        keys.add(key);
    }

    boolean containsKey(String key) {
        return keys.contains(key);
    }

    /** Each key, as {@link #key} made it. */
    void forEach(java.util.function.Consumer<String> action) {
        keys.forEach(action);
    }

    public int size() {
        return keys.size();
    }

    /** Writes the keys to {@code file}, replacing it. */
    public void write(Path file) throws IOException {
        FileSystem fs = file.getFileSystem();
        try (Writer out =
                new BufferedWriter(
                        new OutputStreamWriter(
                                fs.create(file, FileSystem.WriteMode.OVERWRITE),
                                StandardCharsets.UTF_8))) {
            for (String key : keys) {
                out.write(escape(key));
                out.write('\n');
            }
        }
    }

    /** The keys in {@code file}. */
    public static EntryKeys read(Path file) throws IOException {
        EntryKeys read = new EntryKeys();
        try (BufferedReader in =
                new BufferedReader(
                        new InputStreamReader(
                                file.getFileSystem().open(file), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                read.keys.add(unescape(line));
            }
        }
        return read;
    }

    private static String escape(String key) {
        StringBuilder out = new StringBuilder(key.length() + 8);
        for (char c : key.toCharArray()) {
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\u0000' -> out.append("\\0");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static String unescape(String line) {
        StringBuilder out = new StringBuilder(line.length());
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\' && i + 1 < line.length()) {
                char next = line.charAt(++i);
                out.append(
                        switch (next) {
                            case 'n' -> '\n';
                            case 'r' -> '\r';
                            case '0' -> '\u0000';
                            default -> next;
                        });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
