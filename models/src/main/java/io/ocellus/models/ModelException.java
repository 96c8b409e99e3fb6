package io.ocellus.models;

/**
 * Base of the checked exceptions the model layer throws: a model that cannot be found, weights that
 * do not fit the network, or an inference that failed.
 */
public class ModelException extends Exception {
    private static final long serialVersionUID = 1L;

    public ModelException(String message) {
        super(message);
    }

    public ModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
