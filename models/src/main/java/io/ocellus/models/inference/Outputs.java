package io.ocellus.models.inference;

import java.io.Serializable;
import java.util.Set;

/**
 * Which outputs a call asks for. The engine fetches only these, and TensorFlow prunes the graph to
 * them: asking for the embedding alone never runs the logits, asking for {@code
 * Conv2d_11_pointwise} alone stops there.
 *
 * @param topK how many classes to return (0 = none)
 * @param probabilities whether to return the whole probability vector
 * @param embedding whether to return the pooled embedding
 * @param normalizeEmbedding whether to L2-normalise it
 * @param featureLayers body layers whose activations to return, for example {@code
 *     Conv2d_13_pointwise}
 * @param detections the detector's boxes to return, or null for none
 */
public record Outputs(
        int topK,
        boolean probabilities,
        boolean embedding,
        boolean normalizeEmbedding,
        Set<String> featureLayers,
        DetectionQuery detections)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * Which boxes a detector returns.
     *
     * @param maxDetections at most this many per image, best first; 0 for the model's own limit (10
     *     for Google's COCO detector)
     * @param minScore boxes scoring below it are dropped
     */
    public record DetectionQuery(int maxDetections, float minScore)
            implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        /** The default: the model's limit, scores of at least 0.3. */
        public static final DetectionQuery DEFAULT = new DetectionQuery(0, 0.3f);

        public DetectionQuery {
            if (maxDetections < 0 || !(minScore >= 0 && minScore <= 1)) {
                throw new IllegalArgumentException(
                        String.format(
                                "max detections must be >= 0 and the minimum score in [0, 1],"
                                        + " got %d and %s",
                                maxDetections, minScore));
            }
        }
    }

    /** Without detections. */
    public Outputs(
            int topK,
            boolean probabilities,
            boolean embedding,
            boolean normalizeEmbedding,
            Set<String> featureLayers) {
        this(topK, probabilities, embedding, normalizeEmbedding, featureLayers, null);
    }

    /** The layers SSD-MobileNet reads its boxes from. */
    public static final Set<String> DETECTION_LAYERS =
            Set.of("Conv2d_11_pointwise", "Conv2d_13_pointwise");

    public Outputs {
        if (topK < 0) {
            throw new IllegalArgumentException("topK must not be negative: " + topK);
        }
        featureLayers = Set.copyOf(featureLayers);
        if (topK == 0
                && !probabilities
                && !embedding
                && featureLayers.isEmpty()
                && detections == null) {
            throw new IllegalArgumentException("no output asked for");
        }
    }

    /** The top {@code k} classes. */
    public static Outputs classes(int k) {
        return new Outputs(k, false, false, false, Set.of());
    }

    /** The embedding, L2-normalised or raw. */
    public static Outputs embedding(boolean normalize) {
        return new Outputs(0, false, true, normalize, Set.of());
    }

    /** The detection feature maps ({@link #DETECTION_LAYERS}). */
    public static Outputs detectionFeatures() {
        return new Outputs(0, false, false, false, DETECTION_LAYERS);
    }

    /** A detector's boxes. */
    public static Outputs detections(DetectionQuery query) {
        return new Outputs(0, false, false, false, Set.of(), query);
    }

    boolean needsClasses() {
        return topK > 0 || probabilities;
    }
}
