package io.ocellus.operators.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class DecodeDeadlineTest {
    /** Blocks as a read from a hung mount does: an interrupt does not end it. */
    private static boolean blockOn(CountDownLatch latch) {
        while (true) {
            try {
                return latch.await(1, java.util.concurrent.TimeUnit.HOURS);
            } catch (InterruptedException e) {
                // not stopped by cancel(true)
            }
        }
    }

    @Test
    void aBlockedFetchIsAbandonedAndStorageThatStaysBlockedFailsTheTask() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        try (DecodeDeadline deadline = DecodeDeadline.forFetches(50)) {
            for (int i = 0; i < DecodeDeadline.MAX_ABANDONED; i++) {
                assertThatThrownBy(() -> deadline.call(() -> blockOn(never)))
                        .isInstanceOf(TimeoutException.class);
            }
            assertThatThrownBy(() -> deadline.call(() -> "quick"))
                    .isInstanceOf(DecodeDeadline.StalledException.class)
                    .hasMessageContaining("does not answer");
        }
    }

    @Test
    void abandonedFetchesThatEndLeaveRoomForTheNext() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (DecodeDeadline deadline = DecodeDeadline.forFetches(50)) {
            for (int i = 0; i < DecodeDeadline.MAX_ABANDONED; i++) {
                assertThatThrownBy(() -> deadline.call(() -> blockOn(release)))
                        .isInstanceOf(TimeoutException.class);
            }
            release.countDown();
            Thread.sleep(200);
            assertThat(deadline.call(() -> "quick")).isEqualTo("quick");
        }
    }
}
