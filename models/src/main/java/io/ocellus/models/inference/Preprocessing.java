package io.ocellus.models.inference;

import java.util.Locale;

/**
 * How an image of any size becomes the model's square input. Both use TensorFlow's legacy bilinear
 * resize (no half-pixel centres: source = destination x input / output), the convention the
 * released MobileNet files were evaluated with, and scale pixels to the model's input range.
 */
public enum Preprocessing {
    /**
     * The whole image resized to the square and truncated to 8-bit levels, as TensorFlow Lite's
     * {@code label_image} does.
     */
    STRETCH("stretch"),
    /** The central 87.5% of each side, then resized: TF-slim's evaluation convention. */
    CENTER_CROP("center-crop");

    /** The fraction of each side that {@link #CENTER_CROP} keeps. */
    public static final double CENTRAL_FRACTION = 0.875;

    private final String cliName;

    Preprocessing(String cliName) {
        this.cliName = cliName;
    }

    /** The name used on the command line and in configuration. */
    public String cliName() {
        return cliName;
    }

    /** Parses {@code stretch} or {@code center-crop} (case-insensitive). */
    public static Preprocessing parse(String name) {
        for (Preprocessing mode : values()) {
            if (mode.cliName.equalsIgnoreCase(name.trim())
                    || mode.name().equalsIgnoreCase(name.trim())) {
                return mode;
            }
        }
        throw new IllegalArgumentException(
                String.format(
                        Locale.ROOT,
                        "unknown pre-processing '%s', expected stretch or center-crop",
                        name));
    }

    @Override
    public String toString() {
        return cliName;
    }
}
