package io.ocellus.models.inference;

import io.ocellus.models.InferenceException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The streams of one engine: a batch is cut into slices of at most {@link #MAX_SLICE} images, and
 * the slices run at once, one session run each, on a fixed pool of threads (one per stream) that
 * the session's single-threaded ops then keep busy. Several callers share the pool, so at most
 * {@code streams} slices run at any time whoever asks. With one stream a batch runs whole, in the
 * caller's thread, as one session run over the intra-op threads.
 */
final class StreamPool implements AutoCloseable {
    /**
     * The most images in one slice. On the 2-core machines of the README's figures four images a
     * slice ran faster than 8, 16 or a whole batch in every precision (for 1.0_224 with two
     * streams: float32 297 images/s against 291 at 8 and 283 at 16; bf16 1034 against 905 at 16;
     * int8 1274 against 1252 at 16): a few images keep a layer's activations in the core's cache.
     */
    static final int MAX_SLICE = 4;

    private final int streams;
    private final ExecutorService threads;

    private StreamPool(int streams, ExecutorService threads) {
        this.streams = streams;
        this.threads = threads;
    }

    /** A pool of {@code streams} threads named after {@code modelId}; none for one stream. */
    static StreamPool open(int streams, String modelId) {
        if (streams <= 1) {
            return new StreamPool(1, null);
        }
        AtomicInteger next = new AtomicInteger();
        ThreadFactory factory =
                task -> {
                    Thread thread =
                            new Thread(
                                    task,
                                    "ocellus-inference-" + modelId + "-" + next.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                };
        return new StreamPool(streams, Executors.newFixedThreadPool(streams, factory));
    }

    /**
     * The sizes of the slices a batch of {@code count} is cut into for {@code streams} streams, in
     * batch order: no more than {@link #MAX_SLICE} images each, as even as possible, and a multiple
     * of the streams in number where the batch allows, so that no stream runs a last slice alone.
     * One slice, the whole batch, for one stream.
     */
    static int[] slices(int count, int streams) {
        if (streams <= 1 || count <= 1) {
            return new int[] {count};
        }
        int n = (count + MAX_SLICE - 1) / MAX_SLICE;
        n = Math.min(count, (n + streams - 1) / streams * streams);
        int[] sizes = new int[n];
        for (int i = 0; i < n; i++) {
            sizes[i] = count / n + (i < count % n ? 1 : 0);
        }
        return sizes;
    }

    /** Runs one slice: images {@code first} to {@code first + count - 1} of the batch. */
    @FunctionalInterface
    interface Slice {
        List<Prediction> run(int first, int count) throws InferenceException;
    }

    /**
     * Runs a batch of {@code count} as its slices and joins their predictions in batch order. Waits
     * for every slice it started, even when one fails or the caller is interrupted, so that no
     * slice outlives the call (the engine closes its session only between calls).
     */
    List<Prediction> run(int count, Slice slice) throws InferenceException {
        int[] sizes = slices(count, streams);
        if (sizes.length == 1) {
            return slice.run(0, count);
        }
        List<Future<List<Prediction>>> running = new ArrayList<>(sizes.length);
        int first = 0;
        for (int size : sizes) {
            int start = first;
            running.add(threads.submit(() -> slice.run(start, size)));
            first += size;
        }
        List<Prediction> predictions = new ArrayList<>(count);
        boolean interrupted = false;
        Throwable failure = null;
        for (Future<List<Prediction>> future : running) {
            while (true) {
                try {
                    List<Prediction> part = future.get();
                    if (failure == null) {
                        predictions.addAll(part);
                    }
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the slice is running: wait for it, then say so
                } catch (ExecutionException | CancellationException e) {
                    if (failure == null) {
                        failure = e instanceof ExecutionException ? e.getCause() : e;
                    }
                    break;
                }
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure != null) {
            throw rethrown(failure);
        }
        if (interrupted) {
            throw new InferenceException("interrupted while a batch was running", null);
        }
        return predictions;
    }

    private static InferenceException rethrown(Throwable failure) {
        if (failure instanceof InferenceException inference) {
            return inference;
        }
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        return new InferenceException("a slice of the batch failed: " + failure, failure);
    }

    @Override
    public void close() {
        if (threads != null) {
            threads.shutdownNow(); // idle: the engine closes only between calls
        }
    }
}
