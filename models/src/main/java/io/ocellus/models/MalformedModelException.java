package io.ocellus.models;

import java.util.Arrays;

/**
 * A model file was found but its content does not fit the network: a tensor is missing, has another
 * shape than the layer expects, or the file is not a valid model at all.
 */
public class MalformedModelException extends ModelException {
    private static final long serialVersionUID = 1L;

    public MalformedModelException(String message) {
        super(message);
    }

    public MalformedModelException(String message, Throwable cause) {
        super(message, cause);
    }

    /** A tensor whose shape differs from the one the layer needs. */
    public static MalformedModelException shapeMismatch(
            String source, String tensor, int[] expected, int[] actual) {
        return new MalformedModelException(
                String.format(
                        "%s: tensor '%s' has shape %s, expected %s",
                        source, tensor, Arrays.toString(actual), Arrays.toString(expected)));
    }
}
