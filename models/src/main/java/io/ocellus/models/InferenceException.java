package io.ocellus.models;

/** A forward pass failed: bad input for the model, or an error inside TensorFlow. */
public class InferenceException extends ModelException {
    private static final long serialVersionUID = 1L;

    public InferenceException(String message) {
        super(message);
    }

    public InferenceException(String message, Throwable cause) {
        super(message, cause);
    }
}
