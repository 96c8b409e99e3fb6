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
 * Runs each decode on a worker thread and stops waiting for one that passes the time limit, so that
 * a hostile image (a progressive JPEG with thousands of scans, say) costs the stream one dead
 * letter rather than a stalled task. Java cannot stop a thread that is computing: an abandoned
 * decode runs to its end (bounded by the pixel and byte limits) on its own thread, and at most
 * {@link #MAX_ABANDONED} run at once; past that, the next decode first waits for the oldest. One
 * per operator instance; not thread-safe.
 */
final class DecodeDeadline implements AutoCloseable {
    static final int MAX_ABANDONED = 2;

    private final long millis;
    private final Deque<ExecutorService> abandoned = new ArrayDeque<>();
    private ExecutorService worker = newWorker();

    DecodeDeadline(long millis) {
        this.millis = millis;
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
     * wait and is kept on the thread.
     */
    @Override
    public void close() {
        worker.shutdown();
        abandoned.addLast(worker);
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

    private static ExecutorService newWorker() {
        return Executors.newSingleThreadExecutor(
                runnable -> {
                    Thread thread = new Thread(runnable, "ocellus-decode");
                    thread.setDaemon(true);
                    return thread;
                });
    }
}
