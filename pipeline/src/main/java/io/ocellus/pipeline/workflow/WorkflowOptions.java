package io.ocellus.pipeline.workflow;

import io.ocellus.models.inference.PredictorFactory;
import io.ocellus.operators.batch.MicroBatchOptions;
import io.ocellus.operators.decode.DecodeOptions;
import io.ocellus.operators.geo.GeoOptions;
import io.ocellus.operators.inference.InferenceTasks;
import java.io.Serializable;

/**
 * What the workflow needs besides its input.
 *
 * @param model opens the model on each worker
 * @param tasks which results to produce
 * @param batching micro-batch size and delay
 * @param decoding limits, JPEG scaling and claim-check roots
 * @param geo the geo-localization stage, or null for none (it needs embeddings on)
 */
public record WorkflowOptions(
        PredictorFactory model,
        InferenceTasks tasks,
        MicroBatchOptions batching,
        DecodeOptions decoding,
        GeoOptions geo)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public WorkflowOptions {
        if (model == null || tasks == null || batching == null || decoding == null) {
            throw new IllegalArgumentException("model, tasks, batching and decoding must be set");
        }
        if (geo != null && !tasks.embeddings()) {
            throw new IllegalArgumentException("geo-localization needs the embeddings task on");
        }
    }

    /** Without geo-localization. */
    public WorkflowOptions(
            PredictorFactory model,
            InferenceTasks tasks,
            MicroBatchOptions batching,
            DecodeOptions decoding) {
        this(model, tasks, batching, decoding, null);
    }
}
