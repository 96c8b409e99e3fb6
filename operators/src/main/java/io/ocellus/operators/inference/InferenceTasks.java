package io.ocellus.operators.inference;

import io.ocellus.models.inference.Outputs;
import java.io.Serializable;
import java.util.Set;

/**
 * Which results the job produces; a task that is off is not computed (the model is asked only for
 * the outputs of the tasks that are on).
 *
 * @param topK classes per classification, 0 to switch classification off
 * @param embeddings whether to produce embeddings
 * @param normalizeEmbeddings whether embeddings are L2-normalised
 * @param features whether to produce the detection feature maps
 * @param detections which boxes the detector keeps, or null when detection is off
 */
public record InferenceTasks(
        int topK,
        boolean embeddings,
        boolean normalizeEmbeddings,
        boolean features,
        Outputs.DetectionQuery detections)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public InferenceTasks {
        if (topK < 0) {
            throw new IllegalArgumentException("topK must not be negative, got " + topK);
        }
        if (topK == 0 && !embeddings && !features && detections == null) {
            throw new IllegalArgumentException(
                    "every task is off: enable classification, embeddings, features or"
                            + " detection");
        }
    }

    /** Without detection. */
    public InferenceTasks(
            int topK, boolean embeddings, boolean normalizeEmbeddings, boolean features) {
        this(topK, embeddings, normalizeEmbeddings, features, null);
    }

    /** Whether any task needs the model (classifier) rather than only the detector. */
    public boolean needsModel() {
        return topK > 0 || embeddings || features;
    }

    /** What to ask the model for; only when {@link #needsModel()}. */
    public Outputs outputs() {
        return new Outputs(
                topK,
                false,
                embeddings,
                normalizeEmbeddings,
                features ? Outputs.DETECTION_LAYERS : Set.of());
    }
}
