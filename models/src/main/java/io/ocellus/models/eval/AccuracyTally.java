package io.ocellus.models.eval;

import io.ocellus.models.inference.ScoredLabel;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Counts a model's answers on labelled images: top-1 and top-5 hits among the images it answered
 * for, and the images it refused, by reason. Not thread-safe.
 */
public final class AccuracyTally {
    private int answered;
    private int top1;
    private int top5;
    private final Map<String, Integer> refused = new TreeMap<>();

    /** Counts one answer: {@code top} best first, at least five long for a top-5 figure. */
    public void answer(int truth, List<ScoredLabel> top) {
        answered++;
        for (int rank = 0; rank < Math.min(5, top.size()); rank++) {
            if (top.get(rank).index() == truth) {
                top5++;
                if (rank == 0) {
                    top1++;
                }
                return;
            }
        }
    }

    /** Counts an image that never reached the model. */
    public void refuse(String reason) {
        refused.merge(reason, 1, Integer::sum);
    }

    public int answered() {
        return answered;
    }

    /** Images refused, all reasons together. */
    public int refusedCount() {
        return refused.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Refused images by reason, reasons sorted. */
    public Map<String, Integer> refusedByReason() {
        return Map.copyOf(refused);
    }

    /** Top-1 accuracy over the images answered, in [0, 1]; 0 when none were. */
    public double top1() {
        return answered == 0 ? 0 : (double) top1 / answered;
    }

    /** Top-5 accuracy over the images answered, in [0, 1]; 0 when none were. */
    public double top5() {
        return answered == 0 ? 0 : (double) top5 / answered;
    }

    /** {@code top-1 NN.N% top-5 NN.N% (N images)}. */
    public String summary() {
        return String.format(
                Locale.ROOT,
                "top-1 %.1f%% top-5 %.1f%% (%d images)",
                100 * top1(),
                100 * top5(),
                answered);
    }
}
