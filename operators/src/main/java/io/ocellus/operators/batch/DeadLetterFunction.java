package io.ocellus.operators.batch;

import io.ocellus.schemas.DeadLetter;
import java.io.Serializable;

/**
 * Describes a record that could not be processed as a {@link DeadLetter}: which frame, the stage, a
 * reason code and message, and where the original is.
 *
 * @param <IN> the records it describes
 */
@FunctionalInterface
public interface DeadLetterFunction<IN> extends Serializable {
    DeadLetter describe(IN record, Exception cause);
}
