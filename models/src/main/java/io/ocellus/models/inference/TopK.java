package io.ocellus.models.inference;

import java.util.ArrayList;
import java.util.List;

/** The k highest scores of a vector, best first; ties keep the lower index first. */
final class TopK {
    private TopK() {}

    static List<ScoredLabel> of(float[] scores, int k, Labels labels) {
        int n = Math.min(k, scores.length);
        if (n == 0) {
            return List.of();
        }
        int[] best = new int[n];
        int filled = 0;
        for (int i = 0; i < scores.length; i++) {
            if (filled < n) {
                best[filled++] = i;
            } else if (scores[i] > scores[best[n - 1]]) {
                best[n - 1] = i;
            } else {
                continue;
            }
            for (int j = filled - 1; j > 0 && scores[best[j]] > scores[best[j - 1]]; j--) {
                int swap = best[j];
                best[j] = best[j - 1];
                best[j - 1] = swap;
            }
        }
        List<ScoredLabel> top = new ArrayList<>(n);
        for (int index : best) {
            top.add(new ScoredLabel(index, labels.label(index), scores[index]));
        }
        return top;
    }
}
