package io.ocellus.pipeline.kafka;

import io.ocellus.schemas.serde.WireFormat;
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
    AVRO_SINGLE_OBJECT("avro-single-object"),
    /**
     * An {@code ImageFrame} in a schema registry's layout (byte 0, a 4-byte schema id, the Avro
     * body), as Apicurio's and Confluent's serializers write it; needs {@code --registry-url}.
     */
    AVRO_REGISTRY("avro-registry");

    private final String cliName;

    InputFormat(String cliName) {
        this.cliName = cliName;
    }

    /** The Avro layout of the value, or null for {@link #RAW}. */
    public WireFormat wireFormat() {
        return switch (this) {
            case RAW -> null;
            case AVRO_BINARY -> WireFormat.BINARY;
            case AVRO_SINGLE_OBJECT -> WireFormat.SINGLE_OBJECT;
            case AVRO_REGISTRY -> WireFormat.REGISTRY;
        };
    }

    /**
     * Parses {@code raw}, {@code avro-binary}, {@code avro-single-object} or {@code avro-registry}.
     */
    public static InputFormat parse(String name) {
        for (InputFormat format : values()) {
            if (format.cliName.equalsIgnoreCase(name.trim())) {
                return format;
            }
        }
        throw new IllegalArgumentException(
                String.format(
                        Locale.ROOT,
                        "unknown input format '%s', expected raw, avro-binary, avro-single-object or avro-registry",
                        name));
    }

    @Override
    public String toString() {
        return cliName;
    }
}
