package io.ocellus.models.detection;

/**
 * One detected object: a class of the detector and a box in normalised image coordinates (0 is the
 * top or left edge, 1 the bottom or right), clipped to [0, 1].
 *
 * @param index the detector's 0-based class (COCO: 0 = person, 16 = cat, 17 = dog)
 * @param label the class's name
 * @param score the sigmoid score, in [0, 1]
 * @param ymin top edge
 * @param xmin left edge
 * @param ymax bottom edge
 * @param xmax right edge
 */
public record Detection(
        int index, String label, float score, float ymin, float xmin, float ymax, float xmax) {

    /** The same detection with its box clipped to the image, [0, 1] on each side. */
    public Detection clipped() {
        return new Detection(index, label, score, clip(ymin), clip(xmin), clip(ymax), clip(xmax));
    }

    private static float clip(float v) {
        return Math.min(1f, Math.max(0f, v));
    }

    /** Intersection over union of the two boxes; 0 when either has no area. */
    public double iou(Detection other) {
        return iou(ymin, xmin, ymax, xmax, other.ymin, other.xmin, other.ymax, other.xmax);
    }

    /** Intersection over union of two corner boxes; 0 when either has no area. */
    public static double iou(
            float aYmin,
            float aXmin,
            float aYmax,
            float aXmax,
            float bYmin,
            float bXmin,
            float bYmax,
            float bXmax) {
        float areaA = (aYmax - aYmin) * (aXmax - aXmin);
        float areaB = (bYmax - bYmin) * (bXmax - bXmin);
        if (areaA <= 0 || areaB <= 0) {
            return 0;
        }
        float height = Math.max(Math.min(aYmax, bYmax) - Math.max(aYmin, bYmin), 0f);
        float width = Math.max(Math.min(aXmax, bXmax) - Math.max(aXmin, bXmin), 0f);
        float intersection = height * width;
        return intersection / (areaA + areaB - intersection);
    }
}
