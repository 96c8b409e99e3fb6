package io.ocellus.pipeline.kafka;

import java.util.Locale;

/** How frames are laid out in the input topic's values. */
public enum InputFormat {
    /**
     * The value is the encoded image itself; the key is the source id; headers may carry {@code
     * frame-id}, {@code content-type}, {@code event-time} (epoch millis), {@code latitude}, {@code
     * longitude}; other headers become attributes. Any producer (kcat, a camera gateway) can feed
     * it.
     */
    RAW("raw"),
    /** An {@code ImageFrame} in Avro binary with the schema of this version. */
    AVRO_BINARY("avro-binary"),
    /** An {@code ImageFrame} in Avro single-object encoding. */
    AVRO_SINGLE_OBJECT("avro-single-object");

    private final String cliName;

    InputFormat(String cliName) {
        this.cliName = cliName;
    }

    /** Parses {@code raw}, {@code avro-binary} or {@code avro-single-object}. */
    public static InputFormat parse(String name) {
        for (InputFormat format : values()) {
            if (format.cliName.equalsIgnoreCase(name.trim())) {
                return format;
            }
        }
        throw new IllegalArgumentException(
                String.format(
                        Locale.ROOT,
                        "unknown input format '%s', expected raw, avro-binary or avro-single-object",
                        name));
    }

    @Override
    public String toString() {
        return cliName;
    }
}
