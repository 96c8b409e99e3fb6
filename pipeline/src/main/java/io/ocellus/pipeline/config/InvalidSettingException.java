package io.ocellus.pipeline.config;

import io.ocellus.pipeline.internal.Secrets;

/**
 * A setting whose value cannot be used: the message names the key, the value and what was expected,
 * for example {@code ocellus.batching.size = "0": expected an integer >= 1}.
 */
public final class InvalidSettingException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public InvalidSettingException(String key, Object value, String expected) {
        super(
                value == null
                        ? key + " is not set: expected " + expected
                        : key
                                + " = \""
                                + Secrets.mask(key, String.valueOf(value))
                                + "\": expected "
                                + expected);
        this.key = key;
    }

    /** The key of the setting at fault. */
    public String key() {
        return key;
    }
}
