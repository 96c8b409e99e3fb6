package io.ocellus.models.inference;

import io.ocellus.models.InferenceException;
import io.ocellus.models.ModelException;
import io.ocellus.models.io.ModelSignature;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Opens one {@link Predictor} per JVM (per class loader) for every equal {@code factory}, shared by
 * all callers: in a Flink TaskManager, the parallel instances in its slots then run one TensorFlow
 * session with one copy of the weights, instead of one each. The predictor is reference-counted;
 * the last caller's {@code close()} closes it. Sessions are thread-safe, so concurrent batches from
 * several slots run side by side in the one session.
 *
 * @param factory the model, compared with {@code equals} to find a shared instance
 */
public record SharedPredictorFactory(PredictorFactory factory) implements PredictorFactory {
    private static final long serialVersionUID = 1L;

    private static final Map<PredictorFactory, Shared> OPEN = new HashMap<>();

    @Override
    public Predictor open() throws ModelException {
        Shared shared;
        synchronized (OPEN) {
            shared = OPEN.get(factory);
            if (shared == null) {
                shared = new Shared(factory, factory.open());
                OPEN.put(factory, shared);
            }
            shared.users++;
        }
        return new Handle(shared);
    }

    /** How many callers hold the shared predictor of {@code factory} now (0 when none is open). */
    public static int users(PredictorFactory factory) {
        synchronized (OPEN) {
            Shared shared = OPEN.get(factory);
            return shared == null ? 0 : shared.users;
        }
    }

    /** How many shared predictors are open in this JVM now, of every factory. */
    public static int openCount() {
        synchronized (OPEN) {
            return OPEN.size();
        }
    }

    private static final class Shared {
        final PredictorFactory key;
        final Predictor predictor;
        int users;

        Shared(PredictorFactory key, Predictor predictor) {
            this.key = key;
            this.predictor = predictor;
        }
    }

    /** One caller's reference: closing it releases the reference once. */
    private static final class Handle implements Predictor {
        private final Shared shared;
        private boolean closed;

        Handle(Shared shared) {
            this.shared = shared;
        }

        private Predictor predictor() {
            synchronized (this) {
                if (closed) {
                    throw new IllegalStateException("this shared predictor handle is closed");
                }
            }
            return shared.predictor;
        }

        @Override
        public ModelSignature signature() {
            return predictor().signature();
        }

        @Override
        public Preprocessing preprocessing() {
            return predictor().preprocessing();
        }

        @Override
        public List<Prediction> infer(List<RgbImage> images, Outputs outputs)
                throws InferenceException {
            return predictor().infer(images, outputs);
        }

        @Override
        public List<Prediction> inferPreprocessed(float[] batch, int count, Outputs outputs)
                throws InferenceException {
            return predictor().inferPreprocessed(batch, count, outputs);
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            synchronized (OPEN) {
                if (--shared.users == 0) {
                    OPEN.remove(shared.key);
                    shared.predictor.close();
                }
            }
        }
    }
}
