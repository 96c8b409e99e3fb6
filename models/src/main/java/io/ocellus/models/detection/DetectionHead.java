package io.ocellus.models.detection;

/**
 * The tensors of a detector's graph that the engine fetches, and how to turn them into {@link
 * Detection}s.
 *
 * @param boxes decoded boxes, {@code [batch, anchors, 4]} as {@code ymin, xmin, ymax, xmax}
 * @param scores each anchor's best class score, {@code [batch, anchors]}
 * @param classes that class, 0-based without the background, {@code [batch, anchors]} int32
 * @param anchors anchors per image
 * @param labelOffset lines of the label file before class 0 (1 when it starts with the background,
 *     as COCO's {@code coco_labels.txt} does)
 * @param postProcess the file's post-processing settings (thresholds, maximum detections)
 * @param macs multiply-adds of the convolutions for one image
 */
public record DetectionHead(
        String boxes,
        String scores,
        String classes,
        int anchors,
        int labelOffset,
        PostProcessOptions postProcess,
        long macs) {}
