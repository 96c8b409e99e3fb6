package io.ocellus.models.inference;

import io.ocellus.models.detection.Detection;
import java.util.List;
import java.util.Map;

/**
 * What the engine computed for one image; fields that were not asked for are empty or null.
 *
 * @param top the k most probable classes, best first; empty when not asked for
 * @param probabilities all class probabilities, or null when not asked for
 * @param embedding the pooled feature vector (L2-normalised if asked), or null
 * @param embeddingNorm the L2 norm of the embedding before any normalisation, or 0
 * @param features feature maps by layer name; empty when none were asked for
 * @param detections a detector's boxes, best first; empty when not asked for
 */
public record Prediction(
        List<ScoredLabel> top,
        float[] probabilities,
        float[] embedding,
        double embeddingNorm,
        Map<String, FeatureMap> features,
        List<Detection> detections) {

    public Prediction {
        detections = detections == null ? List.of() : List.copyOf(detections);
    }

    /** Without detections. */
    public Prediction(
            List<ScoredLabel> top,
            float[] probabilities,
            float[] embedding,
            double embeddingNorm,
            Map<String, FeatureMap> features) {
        this(top, probabilities, embedding, embeddingNorm, features, List.of());
    }
}
