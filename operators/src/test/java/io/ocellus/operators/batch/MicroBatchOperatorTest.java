package io.ocellus.operators.batch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocellus.operators.DeadLetters;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The micro-batching operator in Flink's operator test harness, with a fake batch function. */
class MicroBatchOperatorTest {
    /** Batch sizes seen by every {@link Upper} instance in this JVM, in order. */
    private static final List<Integer> BATCHES = new CopyOnWriteArrayList<>();

    /** Upper-cases strings in batches; a batch holding "boom" fails as a whole. */
    static final class Upper implements BatchFunction<String, String> {
        private static final long serialVersionUID = 1L;

        @Override
        public List<String> apply(List<String> batch) {
            BATCHES.add(batch.size());
            if (batch.contains("boom")) {
                throw new IllegalStateException("model exploded");
            }
            return batch.stream().map(String::toUpperCase).toList();
        }
    }

    private OneInputStreamOperatorTestHarness<String, String> harness;

    private OneInputStreamOperatorTestHarness<String, String> open(int size, long delayMillis)
            throws Exception {
        BATCHES.clear();
        harness = harness(size, delayMillis);
        harness.open();
        return harness;
    }

    private static OneInputStreamOperatorTestHarness<String, String> harness(
            int size, long delayMillis) throws Exception {
        return new OneInputStreamOperatorTestHarness<>(
                new MicroBatchOperator<>(
                        new Upper(), new MicroBatchOptions(size, Duration.ofMillis(delayMillis))));
    }

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void flushesEveryFullBatchAndKeepsTimestamps() throws Exception {
        open(3, 60_000);
        for (int i = 0; i < 7; i++) {
            harness.processElement("f" + i, 100 + i);
        }
        assertThat(harness.extractOutputValues())
                .containsExactly("F0", "F1", "F2", "F3", "F4", "F5");
        assertThat(BATCHES).containsExactly(3, 3);
        List<Long> timestamps = new ArrayList<>();
        for (StreamRecord<? extends String> record : harness.extractOutputStreamRecords()) {
            timestamps.add(record.getTimestamp());
        }
        assertThat(timestamps).containsExactly(100L, 101L, 102L, 103L, 104L, 105L);
    }

    @Test
    void flushesAPartialBatchWhenItsFirstRecordHasWaitedLongEnough() throws Exception {
        open(8, 50);
        harness.setProcessingTime(1_000);
        harness.processElement("a", 1);
        harness.setProcessingTime(1_030);
        harness.processElement("b", 2);
        assertThat(harness.extractOutputValues()).isEmpty();
        harness.setProcessingTime(1_050);
        assertThat(harness.extractOutputValues()).containsExactly("A", "B");
        assertThat(BATCHES).containsExactly(2);
    }

    @Test
    void flushesBeforeEveryCheckpointSoNoStateHoldsRecords() throws Exception {
        open(8, 60_000);
        harness.processElement("a", 1);
        harness.processElement("b", 2);
        harness.prepareSnapshotPreBarrier(1);
        OperatorSubtaskState snapshot = harness.snapshot(1, 10);
        assertThat(harness.extractOutputValues()).containsExactly("A", "B");

        // Restored from that checkpoint, the operator has nothing to replay: no duplicates.
        harness.close();
        harness = harness(8, 60_000);
        harness.initializeState(snapshot);
        harness.open();
        harness.processElement("c", 3);
        harness.endInput();
        assertThat(harness.extractOutputValues()).containsExactly("C");
    }

    @Test
    void flushesTheLastPartialBatchAtEndOfInput() throws Exception {
        open(8, 60_000);
        harness.processElement("x", 1);
        harness.endInput();
        assertThat(harness.extractOutputValues()).containsExactly("X");
    }

    @Test
    void aFailedBatchFailsTheTaskAndTurnsNoFrameIntoADeadLetter() throws Exception {
        open(2, 60_000);
        harness.processElement("ok", 1);
        assertThatThrownBy(() -> harness.processElement("boom", 2))
                .isInstanceOf(AbstractMicroBatchOperator.BatchFailedException.class)
                .hasMessageContaining("a batch of 2 records failed")
                .hasRootCauseMessage("model exploded");
        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(harness.getSideOutput(DeadLetters.TAG)).isNull();
    }
}
