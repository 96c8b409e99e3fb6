package io.ocellus.models.inference;

import io.ocellus.models.detection.Detection;
import io.ocellus.models.detection.DetectionHead;
import io.ocellus.models.detection.FastNms;
import io.ocellus.models.detection.PostProcessOptions;
import java.util.ArrayList;
import java.util.List;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * A detector's fetched boxes, best scores and classes to {@link Detection}s per image: suppression
 * ({@link FastNms}) on the unclipped boxes as TensorFlow Lite does it, then the boxes clipped to
 * the image.
 */
final class DetectionDecoder {
    private DetectionDecoder() {}

    static List<List<Detection>> decode(
            TFloat32 boxTensor,
            TFloat32 scoreTensor,
            TInt32 classTensor,
            int count,
            DetectionHead head,
            Outputs.DetectionQuery query,
            Labels labels) {
        int anchors = head.anchors();
        float[] boxes = new float[count * anchors * 4];
        float[] scores = new float[count * anchors];
        int[] classes = new int[count * anchors];
        boxTensor.asRawTensor().data().asFloats().read(boxes);
        scoreTensor.asRawTensor().data().asFloats().read(scores);
        classTensor.asRawTensor().data().asInts().read(classes);
        PostProcessOptions options = head.postProcess();
        int max = query.maxDetections() > 0 ? query.maxDetections() : options.maxDetections();
        float threshold = Math.max(query.minScore(), options.scoreThreshold());
        List<List<Detection>> all = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int[] kept =
                    FastNms.select(
                            boxes,
                            i * anchors * 4,
                            scores,
                            i * anchors,
                            anchors,
                            threshold,
                            options.iouThreshold(),
                            max);
            List<Detection> detections = new ArrayList<>(kept.length);
            for (int anchor : kept) {
                int b = (i * anchors + anchor) * 4;
                int c = classes[i * anchors + anchor];
                detections.add(
                        new Detection(
                                        c,
                                        labels.label(c + head.labelOffset()),
                                        scores[i * anchors + anchor],
                                        boxes[b],
                                        boxes[b + 1],
                                        boxes[b + 2],
                                        boxes[b + 3])
                                .clipped());
            }
            all.add(detections);
        }
        return all;
    }
}
