package io.ocellus.models.inference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** This machine's CPU name and feature flags, read once from Linux's {@code /proc/cpuinfo}. */
final class CpuFeatures {
    private static final String UNKNOWN = "unknown CPU";
    private static final List<String> LINES = read();
    private static final String FLAGS = field("flags", "");
    private static final String NAME = field("model name", UNKNOWN);

    private CpuFeatures() {}

    /** The first CPU's flags, each with a space on both sides; empty where none could be read. */
    static String flags() {
        return FLAGS;
    }

    /** Whether {@code flags} (as {@link #flags()} gives them) has {@code feature}. */
    static boolean has(String flags, String feature) {
        return flags.contains(" " + feature + " ");
    }

    /** Whether this machine's CPU has {@code feature}, as Linux names it ("avx2", "amx_bf16"). */
    static boolean has(String feature) {
        return has(FLAGS, feature);
    }

    /** The CPU's model name, or "unknown CPU". */
    static String name() {
        return NAME;
    }

    private static String field(String key, String otherwise) {
        for (String line : LINES) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).strip().equals(key)) {
                String value = line.substring(colon + 1).strip();
                return key.equals("flags") ? " " + value + " " : value;
            }
        }
        return otherwise;
    }

    private static List<String> read() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo"));
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
    }
}
