package io.ocellus.models.inference;

import io.ocellus.models.ModelException;
import io.ocellus.models.io.ModelSource;

/**
 * The {@link PredictorFactory} of the TensorFlow {@link InferenceEngine}: where the model is and
 * how to run it, both serializable.
 *
 * @param source where the model is, as seen from the worker
 * @param options threads, pre-processing, warm-up batch sizes
 */
public record EngineFactory(ModelSource source, EngineOptions options) implements PredictorFactory {
    private static final long serialVersionUID = 1L;

    @Override
    public Predictor open() throws ModelException {
        return InferenceEngine.open(source, options);
    }
}
