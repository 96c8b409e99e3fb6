package io.ocellus.models.inference;

import io.ocellus.models.InferenceException;
import io.ocellus.models.io.ModelSignature;
import java.util.List;

/**
 * A model as the stream operators see it: batches of images in, plain Java predictions out, no
 * TensorFlow types. {@link InferenceEngine} is the implementation; tests of operators use fakes so
 * that they need no native library.
 *
 * <p>Implementations are thread-safe and own their native resources; {@link #close()} is safe to
 * call twice, and calls after it throw {@link IllegalStateException}.
 */
public interface Predictor extends AutoCloseable {
    /** The model's id, input resolution and range, and which outputs it has. */
    ModelSignature signature();

    /** How {@link #infer} turns images into the model's input. */
    Preprocessing preprocessing();

    /** Pre-processes and runs a batch; one prediction per image, in order. */
    List<Prediction> infer(List<RgbImage> images, Outputs outputs) throws InferenceException;

    /**
     * Runs a batch already at the model's resolution and input range: {@code count} images of
     * {@code resolution x resolution x 3} floats, NHWC.
     */
    List<Prediction> inferPreprocessed(float[] batch, int count, Outputs outputs)
            throws InferenceException;

    @Override
    void close();
}
