package io.ocellus.models.eval;

import io.ocellus.models.detection.Detection;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Mean average precision of a detector at one IoU threshold (0.5 for the PASCAL VOC and COCO
 * "mAP@0.5" figures): per class, detections of all images are ranked by score and each is a true
 * positive when it overlaps a not yet matched ground-truth box of its class in its image by at
 * least the threshold; the average precision is the area under the precision-recall curve with
 * precision made monotone (all points, as VOC 2010 and later compute it); the mean is over the
 * classes that have ground truth. Detections of classes without ground truth count for nothing. Not
 * thread-safe.
 */
public final class DetectionMap {
    private final double iouThreshold;
    private final List<Image> images = new ArrayList<>();

    /** One image: its ground-truth boxes and the detector's, in normalised coordinates. */
    private record Image(List<Detection> truth, List<Detection> detections) {}

    public DetectionMap(double iouThreshold) {
        if (!(iouThreshold > 0 && iouThreshold <= 1)) {
            throw new IllegalArgumentException("IoU threshold must be in (0, 1]: " + iouThreshold);
        }
        this.iouThreshold = iouThreshold;
    }

    /**
     * Adds an image.
     *
     * @param truth its ground-truth boxes (the class in {@link Detection#index()}, score ignored)
     * @param detections what the detector found
     */
    public void add(List<Detection> truth, List<Detection> detections) {
        images.add(new Image(List.copyOf(truth), List.copyOf(detections)));
    }

    public int images() {
        return images.size();
    }

    /** Average precision per class with ground truth, by class index. */
    public Map<Integer, Double> averagePrecisions() {
        Map<Integer, Integer> truthCounts = new TreeMap<>();
        for (Image image : images) {
            image.truth().forEach(t -> truthCounts.merge(t.index(), 1, Integer::sum));
        }
        Map<Integer, Double> result = new TreeMap<>();
        truthCounts.forEach((c, n) -> result.put(c, averagePrecision(c, n)));
        return result;
    }

    /** The mean of {@link #averagePrecisions()}, or 0 with no ground truth. */
    public double meanAveragePrecision() {
        return averagePrecisions().values().stream()
                .mapToDouble(Double::doubleValue)
                .average()
                .orElse(0);
    }

    private record Ranked(int image, Detection detection) {}

    private double averagePrecision(int c, int truthCount) {
        List<Ranked> ranked = new ArrayList<>();
        List<boolean[]> matched = new ArrayList<>();
        for (int i = 0; i < images.size(); i++) {
            for (Detection d : images.get(i).detections()) {
                if (d.index() == c) {
                    ranked.add(new Ranked(i, d));
                }
            }
            matched.add(new boolean[images.get(i).truth().size()]);
        }
        ranked.sort(Comparator.comparingDouble((Ranked r) -> -r.detection().score()));
        int[] truePositives = new int[ranked.size()];
        int hits = 0;
        for (int k = 0; k < ranked.size(); k++) {
            Ranked r = ranked.get(k);
            List<Detection> truth = images.get(r.image()).truth();
            int best = -1;
            double bestIou = iouThreshold;
            for (int t = 0; t < truth.size(); t++) {
                if (truth.get(t).index() != c) {
                    continue;
                }
                double iou = truth.get(t).iou(r.detection());
                if (iou >= bestIou && (best < 0 || iou > truth.get(best).iou(r.detection()))) {
                    best = t;
                }
            }
            if (best >= 0 && !matched.get(r.image())[best]) {
                matched.get(r.image())[best] = true;
                hits++;
            }
            truePositives[k] = hits;
        }
        double[] precision = new double[ranked.size()];
        double[] recall = new double[ranked.size()];
        for (int k = 0; k < ranked.size(); k++) {
            precision[k] = truePositives[k] / (double) (k + 1);
            recall[k] = truePositives[k] / (double) truthCount;
        }
        for (int k = ranked.size() - 2; k >= 0; k--) {
            precision[k] = Math.max(precision[k], precision[k + 1]);
        }
        double area = 0;
        double previousRecall = 0;
        for (int k = 0; k < ranked.size(); k++) {
            area += (recall[k] - previousRecall) * precision[k];
            previousRecall = recall[k];
        }
        return area;
    }
}
