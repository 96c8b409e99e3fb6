package io.ocellus.operators.inference;

import io.ocellus.models.inference.PredictorFactory;
import java.io.Serializable;

/**
 * A model named by a record of the model-updates topic, ready to be opened on a worker.
 *
 * @param model opens the new model (a shared factory: one engine per TaskManager)
 * @param version a label the results carry after the model id ({@code id@version}), or null
 * @param description what it is, for log lines
 */
public record ModelUpdate(PredictorFactory model, String version, String description)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public ModelUpdate {
        if (model == null) {
            throw new IllegalArgumentException("a model update needs a model");
        }
        if (version != null && (version.isBlank() || version.contains("@"))) {
            throw new IllegalArgumentException(
                    "a model version must be non-blank and without '@', got '" + version + "'");
        }
    }

    /** What reads the model-updates topic's records: its text to the model it names. */
    @FunctionalInterface
    public interface Reader extends Serializable {
        /**
         * @throws Exception (IllegalArgumentException, a model error) saying what is wrong with it
         */
        ModelUpdate read(String record) throws Exception;
    }
}
