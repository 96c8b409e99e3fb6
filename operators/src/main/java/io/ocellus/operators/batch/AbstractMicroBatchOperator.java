package io.ocellus.operators.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MeterView;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * The batching of {@link MicroBatchOperator}, for operators with one input of records and perhaps
 * others (a control input, say): records given to {@link #add} are grouped into micro-batches for a
 * {@link BatchFunction}.
 *
 * <p>A batch is flushed when it is full, when its first record has waited {@link
 * MicroBatchOptions#maxDelay()}, before every checkpoint barrier, at end of input and whenever a
 * subclass calls {@link #flush()}. The operator therefore never holds records across a checkpoint:
 * after a failure, the records of an unfinished batch are replayed from the source, so nothing is
 * lost or duplicated. Outputs keep their input's timestamp. A batch whose function throws fails the
 * task: the records reach the function decoded and checked, so what fails there is not theirs (an
 * engine closed or out of memory, a model that cannot run) and must not turn good frames into dead
 * letters. Flink restores the task from its last checkpoint and the batch is run again.
 *
 * <p>Metrics: {@code batchRecordsIn} (counter), {@code batchRecordsPerSecond} (meter), {@code
 * batchSize} and {@code batchMillis} (histograms), {@code batchFailures} (batches whose function
 * threw, each failing the task).
 *
 * @param <IN> input records
 * @param <OUT> output records, one per input
 * @param <F> the batch function
 */
public abstract class AbstractMicroBatchOperator<IN, OUT, F extends BatchFunction<IN, OUT>>
        extends AbstractStreamOperator<OUT> implements ProcessingTimeCallback {
    private static final long serialVersionUID = 1L;

    private static final int HISTOGRAM_WINDOW = 500;

    /** The function batches go through. */
    protected final F function;

    private final MicroBatchOptions options;

    private transient List<StreamRecord<IN>> buffer;
    private transient ScheduledFuture<?> timer;
    private transient Counter recordsIn;
    private transient Counter failures;
    private transient Histogram batchSizes;
    private transient Histogram batchMillis;

    protected AbstractMicroBatchOperator(F function, MicroBatchOptions options) {
        this.function = function;
        this.options = options;
    }

    @Override
    public void open() throws Exception {
        super.open();
        buffer = new ArrayList<>(options.maxSize());
        recordsIn = getMetricGroup().counter("batchRecordsIn");
        getMetricGroup().meter("batchRecordsPerSecond", new MeterView(recordsIn));
        failures = getMetricGroup().counter("batchFailures");
        batchSizes =
                getMetricGroup()
                        .histogram(
                                "batchSize", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        batchMillis =
                getMetricGroup()
                        .histogram(
                                "batchMillis",
                                new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        function.open();
    }

    /** Buffers a record, flushing when the batch is full and timing the batch's delay. */
    protected void add(StreamRecord<IN> element) throws Exception {
        buffer.add(element.copy(element.getValue()));
        recordsIn.inc();
        if (buffer.size() >= options.maxSize()) {
            flush();
        } else if (timer == null) {
            long due =
                    getProcessingTimeService().getCurrentProcessingTime()
                            + options.maxDelay().toMillis();
            timer = getProcessingTimeService().registerTimer(due, this);
        }
    }

    @Override
    public void onProcessingTime(long time) throws Exception {
        timer = null;
        flush();
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }

    @Override
    public void close() throws Exception {
        try {
            cancelTimer();
            function.close();
        } finally {
            super.close();
        }
    }

    /**
     * Runs the buffered records through the function and emits the results.
     *
     * @throws BatchFailedException when the function throws, with what it threw as the cause
     */
    protected void flush() throws BatchFailedException {
        cancelTimer();
        if (buffer == null || buffer.isEmpty()) {
            return;
        }
        List<StreamRecord<IN>> batch = buffer;
        buffer = new ArrayList<>(options.maxSize());
        List<IN> values = new ArrayList<>(batch.size());
        batch.forEach(record -> values.add(record.getValue()));
        long start = System.nanoTime();
        List<OUT> results;
        try {
            results = function.apply(values);
            if (results.size() != values.size()) {
                throw new IllegalStateException(
                        String.format(
                                "batch function returned %d results for %d records",
                                results.size(), values.size()));
            }
        } catch (Exception e) {
            failures.inc();
            throw new BatchFailedException(
                    String.format(
                            Locale.ROOT,
                            "a batch of %d records failed in %s; the task fails so that Flink"
                                    + " restores it and runs the batch again",
                            batch.size(),
                            function.getClass().getSimpleName()),
                    e);
        }
        batchMillis.update((System.nanoTime() - start) / 1_000_000);
        batchSizes.update(batch.size());
        for (int i = 0; i < results.size(); i++) {
            output.collect(batch.get(i).replace(results.get(i)));
        }
    }

    /** A batch function that threw: a fault of what runs the batch, not of its records. */
    public static final class BatchFailedException extends Exception {
        private static final long serialVersionUID = 1L;

        BatchFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
