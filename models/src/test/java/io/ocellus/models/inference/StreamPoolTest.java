package io.ocellus.models.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocellus.models.InferenceException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** How a batch is cut into slices, and that the slices run at once and come back in order. */
class StreamPoolTest {
    @Test
    void slicesAreSmallEvenInBatchOrderAndAMultipleOfTheStreams() {
        assertThat(StreamPool.slices(32, 1)).containsExactly(32);
        assertThat(StreamPool.slices(1, 2)).containsExactly(1);
        assertThat(StreamPool.slices(2, 2)).containsExactly(1, 1);
        assertThat(StreamPool.slices(3, 2)).containsExactly(2, 1);
        assertThat(StreamPool.slices(8, 2)).containsExactly(4, 4);
        assertThat(StreamPool.slices(9, 2)).containsExactly(3, 2, 2, 2);
        assertThat(StreamPool.slices(32, 2)).hasSize(8).containsOnly(4);
        assertThat(StreamPool.slices(8, 4)).containsExactly(2, 2, 2, 2);
        for (int streams = 1; streams <= 5; streams++) {
            for (int count = 1; count <= 70; count++) {
                int[] sizes = StreamPool.slices(count, streams);
                assertThat(Arrays.stream(sizes).sum()).isEqualTo(count);
                if (streams > 1) {
                    assertThat(
                                    Arrays.stream(sizes)
                                            .allMatch(s -> s >= 1 && s <= StreamPool.MAX_SLICE))
                            .isTrue();
                    if (count >= streams) {
                        assertThat(sizes.length % streams).isZero();
                    }
                }
                int max = Arrays.stream(sizes).max().orElseThrow();
                int min = Arrays.stream(sizes).min().orElseThrow();
                assertThat(max - min).isLessThanOrEqualTo(1);
            }
        }
    }

    @Test
    void slicesRunAtOnceOnThePoolsThreadsAndJoinInBatchOrder() throws Exception {
        Set<String> threads = ConcurrentHashMap.newKeySet();
        CountDownLatch bothRunning = new CountDownLatch(2);
        try (StreamPool pool = StreamPool.open(2, "test")) {
            List<Prediction> predictions =
                    pool.run(
                            8,
                            (first, count) -> {
                                threads.add(Thread.currentThread().getName());
                                bothRunning.countDown();
                                // each slice waits for the other: only slices running at once
                                // get past this
                                assertThat(awaitQuietly(bothRunning)).isTrue();
                                return predictionsFor(first, count);
                            });
            assertThat(predictions)
                    .extracting(p -> p.top().get(0).index())
                    .containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        }
        assertThat(threads).hasSize(2).allMatch(name -> name.startsWith("ocellus-inference-test-"));
    }

    @Test
    void aFailingSliceFailsTheBatchAfterEverySliceHasFinished() {
        AtomicInteger finished = new AtomicInteger();
        try (StreamPool pool = StreamPool.open(2, "test")) {
            assertThatThrownBy(
                            () ->
                                    pool.run(
                                            16,
                                            (first, count) -> {
                                                try {
                                                    if (first == 0) {
                                                        throw new InferenceException("slice 0");
                                                    }
                                                    sleepUninterruptibly(20);
                                                    return predictionsFor(first, count);
                                                } finally {
                                                    finished.incrementAndGet();
                                                }
                                            }))
                    .isInstanceOf(InferenceException.class)
                    .hasMessage("slice 0");
            assertThat(finished.get()).isEqualTo(StreamPool.slices(16, 2).length);
        }
    }

    @Test
    void anInterruptedCallerWaitsForItsSlicesThenSaysSo() throws Exception {
        AtomicInteger finished = new AtomicInteger();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        CountDownLatch started = new CountDownLatch(1);
        try (StreamPool pool = StreamPool.open(2, "test")) {
            Thread caller =
                    new Thread(
                            () -> {
                                try {
                                    pool.run(
                                            8,
                                            (first, count) -> {
                                                started.countDown();
                                                sleepUninterruptibly(300);
                                                finished.incrementAndGet();
                                                return predictionsFor(first, count);
                                            });
                                } catch (Throwable e) {
                                    thrown.set(e);
                                }
                                thrown.compareAndSet(null, new AssertionError("no exception"));
                                assertThat(Thread.currentThread().isInterrupted()).isTrue();
                            });
            caller.start();
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
            caller.interrupt();
            caller.join(10_000);
        }
        assertThat(finished.get()).isEqualTo(2); // both slices ended before run returned
        assertThat(thrown.get())
                .isInstanceOf(InferenceException.class)
                .hasMessageContaining("interrupted");
    }

    private static List<Prediction> predictionsFor(int first, int count) {
        List<Prediction> predictions = new ArrayList<>();
        for (int i = first; i < first + count; i++) {
            predictions.add(
                    new Prediction(
                            List.of(new ScoredLabel(i, "image " + i, 1f)),
                            null,
                            null,
                            0,
                            Map.of()));
        }
        return predictions;
    }

    private static boolean awaitQuietly(CountDownLatch latch) {
        try {
            return latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void sleepUninterruptibly(long millis) {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            try {
                Thread.sleep(Math.max(1, (end - System.nanoTime()) / 1_000_000));
            } catch (InterruptedException e) {
                // a stream thread is not the caller: keep going
            }
        }
    }
}
