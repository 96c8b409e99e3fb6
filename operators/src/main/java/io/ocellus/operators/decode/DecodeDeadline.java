package io.ocellus.operators.decode;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs each decode (or fetch) on a worker thread and stops waiting for one that passes the time
 * limit, so that a hostile image (a progressive JPEG with thousands of scans, say) costs the stream
 * one dead letter rather than a stalled task. Java cannot stop a thread that is computing: an
 * abandoned decode runs to its end (bounded by the pixel and byte limits) on its own thread, and at
 * most {@link #MAX_ABANDONED} run at once; past that, the next decode first waits for the oldest. A
 * fetch blocked on storage may never end: for fetches ({@link #forFetches}) the next call then
 * fails with {@link StalledException}, a fault of the storage that fails the task instead of
 * waiting forever. One per operator instance; not thread-safe.
 */
final class DecodeDeadline implements AutoCloseable {
    static final int MAX_ABANDONED = 2;

    /** Too many abandoned calls are still running: what they wait on does not answer. */
    static final class StalledException extends java.io.IOException {
        private static final long serialVersionUID = 1L;

        StalledException(String message) {
            super(message);
        }
    }

    private final long millis;
    private final String what;
    private final boolean waitForAbandoned;
    private final Deque<ExecutorService> abandoned = new ArrayDeque<>();
    private ExecutorService worker;

    private DecodeDeadline(long millis, String what, boolean waitForAbandoned) {
        this.millis = millis;
        this.what = what;
        this.waitForAbandoned = waitForAbandoned;
        this.worker = newWorker();
    }

    /** Decodes: past {@link #MAX_ABANDONED}, the next waits for the oldest abandoned one. */
    static DecodeDeadline forDecodes(long millis) {
        return new DecodeDeadline(millis, "decode", true);
    }

    /** Fetches: past {@link #MAX_ABANDONED} still blocked, the next fails at once. */
    static DecodeDeadline forFetches(long millis) {
        return new DecodeDeadline(millis, "fetch", false);
    }

    /**
     * The task's result.
     *
     * @throws TimeoutException when it did not finish within the limit
     * @throws Exception what the task threw
     */
    <T> T call(Callable<T> task) throws Exception {
        while (!abandoned.isEmpty() && abandoned.peekFirst().isTerminated()) {
            abandoned.removeFirst();
        }
        if (abandoned.size() >= MAX_ABANDONED) {
            if (!waitForAbandoned) {
                throw new StalledException(
                        String.format(
                                java.util.Locale.ROOT,
                                "%d claim-check fetches are still blocked after %d ms each: the"
                                        + " storage does not answer",
                                abandoned.size(),
                                millis));
            }
            abandoned.removeFirst().awaitTermination(Long.MAX_VALUE, TimeUnit.MILLISECONDS);
        }
        Future<T> result = worker.submit(task);
        try {
            return result.get(millis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            result.cancel(true);
            worker.shutdown();
            abandoned.addLast(worker);
            worker = newWorker();
            throw e;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Exception exception) {
                throw exception;
            }
            throw (Error) cause;
        }
    }

    /**
     * Stops the worker and waits (up to 30 s) for abandoned decodes to end; an interrupt ends the
     * wait and is kept on the thread. Abandoned fetches are interrupted, not waited for: they may
     * be blocked for good.
     */
    @Override
    public void close() {
        worker.shutdown();
        abandoned.addLast(worker);
        if (!waitForAbandoned) {
            abandoned.forEach(ExecutorService::shutdownNow);
            abandoned.clear();
            return;
        }
        try {
            for (ExecutorService executor : abandoned) {
                executor.awaitTermination(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            abandoned.clear();
        }
    }

    private ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(
                runnable -> {
                    Thread thread = new Thread(runnable, "ocellus-" + what);
                    thread.setDaemon(true);
                    return thread;
                });
    }
}
