package io.ocellus.models.inference;

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
 */
public record Prediction(
        List<ScoredLabel> top,
        float[] probabilities,
        float[] embedding,
        double embeddingNorm,
        Map<String, FeatureMap> features) {}
