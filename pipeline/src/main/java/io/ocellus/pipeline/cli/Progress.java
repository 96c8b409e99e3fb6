package io.ocellus.pipeline.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar on a terminal: done/total, percent, rate and time left, redrawn in place.
 * Says nothing when it is off (output not a terminal).
 */
final class Progress {
    private static final int WIDTH = 30;

    private final PrintWriter out;
    private final long total;
    private final boolean on;
    private long firstAt = -1;
    private long firstDone;
    private int lastLength;

    Progress(PrintWriter out, long total, boolean on) {
        this.out = out;
        this.total = total;
        this.on = on;
    }

    /** Whether a bar is wanted: {@code forced} when set, else whether there is a terminal. */
    static boolean wanted(Boolean forced) {
        return forced != null ? forced : System.console() != null;
    }

    /** Redraws the bar with {@code done} entries done at {@code nowMillis}. */
    void update(long done, long nowMillis) {
        if (!on) {
            return;
        }
        if (firstAt < 0 && done > 0) {
            // The rate counts from the first entry done, not from the model's loading.
            firstAt = nowMillis;
            firstDone = done;
        }
        String line = line(done, nowMillis);
        out.print('\r' + line + " ".repeat(Math.max(0, lastLength - line.length())));
        out.flush();
        lastLength = line.length();
    }

    /** Ends the bar's line. */
    void finish() {
        if (on && lastLength > 0) {
            out.println();
            out.flush();
        }
    }

    String line(long done, long nowMillis) {
        double fraction = total <= 0 ? 1.0 : Math.min(1.0, (double) done / total);
        int filled = (int) Math.round(fraction * WIDTH);
        StringBuilder bar = new StringBuilder("[");
        bar.append("#".repeat(filled)).append("-".repeat(WIDTH - filled)).append("] ");
        bar.append(String.format(Locale.ROOT, "%d/%d %3.0f%%", done, total, fraction * 100));
        double seconds = firstAt < 0 ? 0 : (nowMillis - firstAt) / 1000.0;
        if (seconds >= 1 && done > firstDone) {
            double rate = (done - firstDone) / seconds;
            long left = (long) Math.ceil((total - done) / rate);
            bar.append(String.format(Locale.ROOT, "  %.1f images/s  ETA %s", rate, clock(left)));
        }
        return bar.toString();
    }

    static String clock(long seconds) {
        long h = seconds / 3600;
        long m = seconds / 60 % 60;
        long s = seconds % 60;
        return h > 0
                ? String.format(Locale.ROOT, "%d:%02d:%02d", h, m, s)
                : String.format(Locale.ROOT, "%d:%02d", m, s);
    }
}
