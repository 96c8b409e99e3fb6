package io.ocellus.models.detection;

import java.util.Arrays;

/**
 * Class-agnostic greedy non-maximum suppression over each anchor's best class score, as TensorFlow
 * Lite's {@code TFLite_Detection_PostProcess} does it without {@code use_regular_nms}: candidates
 * are the anchors whose score is at least the threshold, taken best first (equal scores in anchor
 * order); each one kept suppresses every later candidate whose box overlaps it by more than the IoU
 * threshold; at most {@code maxDetections} are kept. Stateless.
 */
public final class FastNms {
    private FastNms() {}

    /**
     * The anchors kept, best first.
     *
     * @param boxes {@code ymin, xmin, ymax, xmax} per anchor, from {@code boxOffset}
     * @param scores each anchor's best class score, from {@code scoreOffset}
     * @param anchors how many anchors
     */
    public static int[] select(
            float[] boxes,
            int boxOffset,
            float[] scores,
            int scoreOffset,
            int anchors,
            float scoreThreshold,
            float iouThreshold,
            int maxDetections) {
        int[] candidates = new int[anchors];
        int count = 0;
        for (int a = 0; a < anchors; a++) {
            if (scores[scoreOffset + a] >= scoreThreshold) {
                candidates[count++] = a;
            }
        }
        Integer[] order = new Integer[count];
        for (int i = 0; i < count; i++) {
            order[i] = candidates[i];
        }
        // A stable sort: equal scores keep anchor order, as TensorFlow Lite's does.
        Arrays.sort(
                order, (a, b) -> Float.compare(scores[scoreOffset + b], scores[scoreOffset + a]));
        boolean[] suppressed = new boolean[count];
        int[] kept = new int[Math.min(count, maxDetections)];
        int keptCount = 0;
        for (int i = 0; i < count && keptCount < kept.length; i++) {
            if (suppressed[i]) {
                continue;
            }
            int best = order[i];
            kept[keptCount++] = best;
            int b = boxOffset + best * 4;
            for (int j = i + 1; j < count; j++) {
                if (suppressed[j]) {
                    continue;
                }
                int c = boxOffset + order[j] * 4;
                double overlap =
                        Detection.iou(
                                boxes[b],
                                boxes[b + 1],
                                boxes[b + 2],
                                boxes[b + 3],
                                boxes[c],
                                boxes[c + 1],
                                boxes[c + 2],
                                boxes[c + 3]);
                if (overlap > iouThreshold) {
                    suppressed[j] = true;
                }
            }
        }
        return Arrays.copyOf(kept, keptCount);
    }
}
