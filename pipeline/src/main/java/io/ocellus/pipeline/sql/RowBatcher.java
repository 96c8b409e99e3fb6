package io.ocellus.pipeline.sql;

import io.ocellus.models.InferenceException;
import io.ocellus.models.inference.Outputs;
import io.ocellus.models.inference.Prediction;
import io.ocellus.models.inference.Predictor;
import io.ocellus.models.inference.RgbImage;
import io.ocellus.operators.batch.MicroBatchOptions;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.flink.table.data.RowData;

/**
 * Gathers decoded images from the rows in flight into batches for one forward pass: a batch goes
 * when it holds the batch size or when its first image has waited the delay. One thread runs the
 * model, so batches of one subtask never overlap. A batch whose inference fails completes every row
 * of it exceptionally, which fails the task (Flink restores it and the rows are read again): the
 * images were decoded, so the fault is the engine's, not the rows', and no row gets an error column
 * for it.
 */
final class RowBatcher implements AutoCloseable {
    private record Pending(RgbImage image, CompletableFuture<Collection<RowData>> result) {}

    private final Predictor engine;
    private final Outputs outputs;
    private final OutputColumns columns;
    private final MicroBatchOptions batching;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread worker;
    private volatile boolean running = true;

    RowBatcher(
            Predictor engine, Outputs outputs, OutputColumns columns, MicroBatchOptions batching) {
        this.engine = engine;
        this.outputs = outputs;
        this.columns = columns;
        this.batching = batching;
        this.worker = new Thread(this::run, "ocellus-sql-batcher");
        worker.setDaemon(true);
        worker.start();
    }

    /** The rows of {@code image}, once its batch has run. */
    CompletableFuture<Collection<RowData>> submit(RgbImage image) {
        CompletableFuture<Collection<RowData>> result = new CompletableFuture<>();
        queue.add(new Pending(image, result));
        return result;
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(batching.maxSize());
        while (running || !queue.isEmpty()) { // after close, the rows already queued still run
            try {
                Pending first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long due = System.nanoTime() + batching.maxDelay().toNanos();
                while (batch.size() < batching.maxSize()) {
                    Pending next = queue.poll(due - System.nanoTime(), TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                infer(batch);
                batch.clear();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void infer(List<Pending> batch) {
        List<RgbImage> images = batch.stream().map(Pending::image).toList();
        try {
            List<Prediction> predictions = engine.infer(images, outputs);
            String modelId = engine.signature().modelId();
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).result().complete(List.of(columns.row(predictions.get(i), modelId)));
            }
        } catch (InferenceException | RuntimeException e) {
            InferenceException failure =
                    new InferenceException(
                            "a batch of "
                                    + batch.size()
                                    + " rows failed in the model; the task fails so that Flink"
                                    + " restores it",
                            e);
            for (Pending pending : batch) {
                pending.result().completeExceptionally(failure);
            }
        }
    }

    /**
     * Runs the rows already queued (up to 30 s), then stops the worker; rows still queued after
     * that are cancelled.
     */
    @Override
    public void close() {
        running = false;
        try {
            worker.join(TimeUnit.SECONDS.toMillis(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        worker.interrupt();
        for (Pending pending : queue) {
            pending.result().cancel(false);
        }
    }
}
