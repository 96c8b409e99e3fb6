package io.ocellus.models.inference;

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
 */
public record Outputs(
        int topK,
        boolean probabilities,
        boolean embedding,
        boolean normalizeEmbedding,
        Set<String> featureLayers) {

    /** The layers SSD-MobileNet reads its boxes from. */
    public static final Set<String> DETECTION_LAYERS =
            Set.of("Conv2d_11_pointwise", "Conv2d_13_pointwise");

    public Outputs {
        if (topK < 0) {
            throw new IllegalArgumentException("topK must not be negative: " + topK);
        }
        featureLayers = Set.copyOf(featureLayers);
        if (topK == 0 && !probabilities && !embedding && featureLayers.isEmpty()) {
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

    boolean needsClasses() {
        return topK > 0 || probabilities;
    }
}
