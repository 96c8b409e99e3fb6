package io.ocellus.models.inference;

import io.ocellus.models.ModelException;
import java.io.Serializable;

/**
 * Opens a {@link Predictor} where it will run. The factory is the small serializable description a
 * job ships to its workers; the heavy native model is created by {@link #open()} in the operator's
 * {@code open()} and closed in its {@code close()}.
 */
@FunctionalInterface
public interface PredictorFactory extends Serializable {
    /** Loads the model; the caller owns the result and closes it. */
    Predictor open() throws ModelException;
}
