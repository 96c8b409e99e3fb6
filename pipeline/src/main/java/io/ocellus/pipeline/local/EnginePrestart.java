package io.ocellus.pipeline.local;

import io.ocellus.models.ModelException;
import io.ocellus.models.inference.Predictor;
import io.ocellus.models.inference.PredictorFactory;
import io.ocellus.models.inference.SharedPredictorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a job's shared engines (model, detector) on a thread of their own while the local cluster
 * in this JVM starts and the job's readers run, so the inference tasks find them open and warm
 * instead of opening them then: about a second of a short run's start-up on 2 cores. Only engines
 * shared per JVM ({@link SharedPredictorFactory}) gain from it, and only where the tasks run in
 * this JVM: a job on a remote cluster opens its own. The prestart holds one reference to each
 * engine until {@link #close()}, which waits for the opening to end and releases it (the last
 * task's or this close closes the engine). An engine that fails to open here is left to the tasks,
 * whose open reports the failure as the job's.
 */
public final class EnginePrestart implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EnginePrestart.class);

    /** Opens nothing. */
    public static final EnginePrestart NONE = new EnginePrestart(List.of());

    private final Thread thread;
    private final List<Predictor> opened = new ArrayList<>();
    private boolean closed;

    private EnginePrestart(List<SharedPredictorFactory> engines) {
        if (engines.isEmpty()) {
            thread = null;
            return;
        }
        thread = new Thread(() -> open(engines), "ocellus-engine-prestart");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Starts opening the shared engines among {@code engines} (nulls and others are passed over).
     */
    public static EnginePrestart start(PredictorFactory... engines) {
        List<SharedPredictorFactory> shared =
                Stream.of(engines)
                        .filter(Objects::nonNull)
                        .filter(SharedPredictorFactory.class::isInstance)
                        .map(SharedPredictorFactory.class::cast)
                        .toList();
        return shared.isEmpty() ? NONE : new EnginePrestart(shared);
    }

    private void open(List<SharedPredictorFactory> engines) {
        for (SharedPredictorFactory engine : engines) {
            long start = System.nanoTime();
            try {
                Predictor predictor = engine.open();
                synchronized (opened) {
                    if (closed) { // close() gave up waiting
                        predictor.close();
                        return;
                    }
                    opened.add(predictor);
                }
                LOG.info(
                        "Opened the engine for the job's tasks in {} ms",
                        (System.nanoTime() - start) / 1_000_000);
            } catch (ModelException | RuntimeException e) {
                LOG.info(
                        "The engine did not open ahead of the tasks, which open it: {}",
                        e.toString());
            }
        }
    }

    /**
     * Waits for the opening to end and releases this prestart's references; interrupted, it stops
     * waiting, and an engine that opens after that is released as soon as it is open.
     */
    @Override
    public void close() {
        if (thread == null) {
            return;
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (opened) {
            closed = true;
            opened.forEach(Predictor::close);
            opened.clear();
        }
    }
}
