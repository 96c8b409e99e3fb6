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
 * Wraps a real model and kills its task once, after a number of batches, with an {@link Error}
 * (which, unlike a model exception, is not turned into dead letters): the job must restart from its
 * last checkpoint. The counters are static so that they survive the restart in a MiniCluster.
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

    public FailingOnceFactory(PredictorFactory real, int failAfterBatches) {
        this.real = real;
        this.failAfterBatches = failAfterBatches;
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
