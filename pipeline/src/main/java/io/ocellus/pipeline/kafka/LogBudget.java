package io.ocellus.pipeline.kafka;

/**
 * At most {@code perWindow} log lines per window of time: {@link #take} says whether a line may be
 * written now, and counts the ones it refuses; {@link #closeWindow} hands over the count of a
 * window that has ended, once, for a summary line.
 */
final class LogBudget {
    private final int perWindow;
    private final long windowMillis;
    private long windowStart = Long.MIN_VALUE;
    private int used;
    private long refused;
    private long refusedInClosedWindow;

    LogBudget(int perWindow, long windowMillis) {
        this.perWindow = perWindow;
        this.windowMillis = windowMillis;
    }

    /** Whether a line may be written at {@code now} (ms); a refusal is counted. */
    boolean take(long now) {
        if (windowStart == Long.MIN_VALUE || now - windowStart >= windowMillis) {
            refusedInClosedWindow += refused;
            windowStart = now;
            used = 0;
            refused = 0;
        }
        if (used < perWindow) {
            used++;
            return true;
        }
        refused++;
        return false;
    }

    /** The lines refused in windows that have ended since the last call (0 when none). */
    long closeWindow() {
        long count = refusedInClosedWindow;
        refusedInClosedWindow = 0;
        return count;
    }
}
