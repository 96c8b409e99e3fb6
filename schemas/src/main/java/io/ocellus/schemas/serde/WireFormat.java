package io.ocellus.schemas.serde;

import java.util.Locale;

/** How an Avro record is laid out in a Kafka value or a file entry. */
public enum WireFormat {
    /** The bare Avro binary body; reader and writer agree on the schema out of band. */
    BINARY("binary"),
    /**
     * Avro's single-object encoding: the marker {@code C3 01}, the writer schema's 8-byte
     * CRC-64-AVRO fingerprint, then the binary body. Self-describing among known schema versions.
     */
    SINGLE_OBJECT("single-object"),
    /**
     * A schema registry's layout (Confluent's, written by Apicurio Registry's serdes): byte {@code
     * 0}, the writer schema's 4-byte id in the registry, then the binary body. Needs a registry:
     * the pipeline's Kafka edge encodes it, not {@link AvroCodec}.
     */
    REGISTRY("registry");

    private final String cliName;

    WireFormat(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    /** Parses {@code binary}, {@code single-object} or {@code registry} (case-insensitive). */
    public static WireFormat parse(String name) {
        for (WireFormat format : values()) {
            if (format.cliName.equalsIgnoreCase(name.trim())
                    || format.name().equalsIgnoreCase(name.trim())) {
                return format;
            }
        }
        throw new IllegalArgumentException(
                String.format(
                        Locale.ROOT,
                        "unknown wire format '%s', expected binary, single-object or registry",
                        name));
    }

    @Override
    public String toString() {
        return cliName;
    }
}
