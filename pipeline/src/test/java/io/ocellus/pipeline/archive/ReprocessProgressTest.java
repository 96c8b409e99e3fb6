package io.ocellus.pipeline.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * Progress polling of a run: counts from the accumulators, and nothing (not a failure) when the
 * cluster cannot answer, as when a local cluster has shut down right after its job ended.
 */
class ReprocessProgressTest {
    @Test
    void countsResultsAndDeadLetters() throws Exception {
        Map<String, Object> accumulators =
                Map.of(
                        ReprocessJob.RESULTS,
                        7L,
                        ReprocessJob.DEAD_LETTER_PREFIX + "UNDECODABLE",
                        2L,
                        ReprocessJob.DEAD_LETTER_PREFIX + "TOO_LARGE",
                        1L);
        assertThat(
                        ReprocessExecution.progress(
                                () -> CompletableFuture.completedFuture(accumulators)))
                .hasValue(10);
    }

    @Test
    void aClusterThatHasShutDownGivesNoProgressAndNoFailure() throws Exception {
        assertThat(
                        ReprocessExecution.progress(
                                () -> {
                                    throw new IllegalStateException(
                                            "MiniCluster is not yet running or has already been"
                                                    + " shut down.");
                                }))
                .isEmpty();
        assertThat(
                        ReprocessExecution.progress(
                                () ->
                                        CompletableFuture.failedFuture(
                                                new IllegalStateException("shut down"))))
                .isEmpty();
    }
}
