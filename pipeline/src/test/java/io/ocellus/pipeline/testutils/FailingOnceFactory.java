package io.ocellus.pipeline.testutils;

import io.ocellus.models.InferenceException;
import io.ocellus.models.ModelException;
import io.ocellus.models.inference.Outputs;
import io.ocellus.models.inference.Prediction;
import io.ocellus.models.inference.Predictor;
import io.ocellus.models.inference.PredictorFactory;
import io.ocellus.models.inference.Preprocessing;
import io.ocellus.models.inference.RgbImage;
import io.ocellus.models.io.ModelSignature;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Wraps a real model and fails one forward pass, after a number of batches: with an {@link Error}
 * (a task killed), or with an {@link InferenceException} (an engine fault, such as a closed session
 * or TensorFlow out of memory). Either way the job must restart from its last checkpoint, and no
 * frame may become a dead letter. The counters are static so that they survive the restart in a
 * MiniCluster.
 */
public final class FailingOnceFactory implements PredictorFactory {
    private static final long serialVersionUID = 1L;
    private static final AtomicInteger BATCHES = new AtomicInteger();
    private static final AtomicBoolean FAILED = new AtomicBoolean();

    /** Thrown once to kill the task. */
    public static final class InjectedFailure extends Error {
        private static final long serialVersionUID = 1L;

        InjectedFailure(String message) {
            super(message);
        }
    }

    private final PredictorFactory real;
    private final int failAfterBatches;
    private final boolean engineFault;

    /** Kills the task with an {@link InjectedFailure} once. */
    public FailingOnceFactory(PredictorFactory real, int failAfterBatches) {
        this(real, failAfterBatches, false);
    }

    private FailingOnceFactory(PredictorFactory real, int failAfterBatches, boolean engineFault) {
        this.real = real;
        this.failAfterBatches = failAfterBatches;
        this.engineFault = engineFault;
    }

    /** Fails one forward pass with an {@link InferenceException}, as a broken engine would. */
    public static FailingOnceFactory engineFault(PredictorFactory real, int failAfterBatches) {
        return new FailingOnceFactory(real, failAfterBatches, true);
    }

    /** Arms the failure for the next job. */
    public static void reset() {
        BATCHES.set(0);
        FAILED.set(false);
    }

    /** Whether the failure has happened. */
    public static boolean failed() {
        return FAILED.get();
    }

    @Override
    public Predictor open() throws ModelException {
        Predictor predictor = real.open();
        return new Predictor() {
            @Override
            public ModelSignature signature() {
                return predictor.signature();
            }

            @Override
            public Preprocessing preprocessing() {
                return predictor.preprocessing();
            }

            @Override
            public List<Prediction> infer(List<RgbImage> images, Outputs outputs)
                    throws InferenceException {
                return predictor.infer(images, outputs);
            }

            @Override
            public List<Prediction> inferPreprocessed(float[] batch, int count, Outputs outputs)
                    throws InferenceException {
                if (BATCHES.incrementAndGet() > failAfterBatches
                        && FAILED.compareAndSet(false, true)) {
                    if (engineFault) {
                        throw new InferenceException("injected engine fault");
                    }
                    throw new InjectedFailure(
                            "injected task failure after " + failAfterBatches + " batches");
                }
                return predictor.inferPreprocessed(batch, count, outputs);
            }

            @Override
            public void close() {
                predictor.close();
            }
        };
    }
}
