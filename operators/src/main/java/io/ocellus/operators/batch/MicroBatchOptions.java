package io.ocellus.operators.batch;

import java.io.Serializable;
import java.time.Duration;

/**
 * When a micro-batch is flushed: when it holds {@code maxSize} records, or {@code maxDelay} after
 * its first record arrived, whichever comes first (and always at a checkpoint or end of input).
 *
 * @param maxSize records per batch, at least 1
 * @param maxDelay the longest a record waits for its batch to fill, positive
 */
public record MicroBatchOptions(int maxSize, Duration maxDelay) implements Serializable {
    private static final long serialVersionUID = 1L;

    public MicroBatchOptions {
        if (maxSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + maxSize);
        }
        if (maxDelay == null || maxDelay.isNegative() || maxDelay.isZero()) {
            throw new IllegalArgumentException("batch delay must be positive, got " + maxDelay);
        }
    }
}
