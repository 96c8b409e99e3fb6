package io.ocellus.models;

/** No model exists where one was asked for, or a directory holds none that fits the request. */
public class ModelNotFoundException extends ModelException {
    private static final long serialVersionUID = 1L;

    public ModelNotFoundException(String message) {
        super(message);
    }
}
