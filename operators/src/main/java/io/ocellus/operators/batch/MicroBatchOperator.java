package io.ocellus.operators.batch;

import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Groups records into micro-batches for a {@link BatchFunction}: flushed when full, after {@link
 * MicroBatchOptions#maxDelay()}, before every checkpoint barrier and at end of input, so it needs
 * no state (see {@link AbstractMicroBatchOperator} for the guarantees and metrics).
 *
 * @param <IN> input records
 * @param <OUT> output records, one per input
 */
public final class MicroBatchOperator<IN, OUT>
        extends AbstractMicroBatchOperator<IN, OUT, BatchFunction<IN, OUT>>
        implements OneInputStreamOperator<IN, OUT>, BoundedOneInput {
    private static final long serialVersionUID = 1L;

    public MicroBatchOperator(BatchFunction<IN, OUT> function, MicroBatchOptions options) {
        super(function, options);
    }

    @Override
    public void processElement(StreamRecord<IN> element) throws Exception {
        add(element);
    }

    @Override
    public void endInput() throws Exception {
        flush();
    }
}
