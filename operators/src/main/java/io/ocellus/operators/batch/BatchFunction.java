package io.ocellus.operators.batch;

import java.io.Serializable;
import java.util.List;

/**
 * Turns a batch of inputs into one output per input, in order: the work that is cheaper per record
 * in batches, such as a forward pass. Serializable: it is shipped with the job; resources are made
 * in {@link #open()} on the worker and released in {@link #close()}.
 *
 * @param <IN> the input records
 * @param <OUT> the output records
 */
public interface BatchFunction<IN, OUT> extends Serializable {
    /** Creates what the function needs (a model, say); called once per parallel instance. */
    default void open() throws Exception {}

    /**
     * Processes a batch: all or nothing. An exception sends every record of the batch to the dead
     * letters; it does not fail the job.
     *
     * @return one output per input, in the same order
     */
    List<OUT> apply(List<IN> batch) throws Exception;

    /** Releases what {@link #open()} made; safe to call when open failed half-way. */
    default void close() throws Exception {}
}
