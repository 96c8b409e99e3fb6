package io.ocellus.pipeline.workflow;

import io.ocellus.models.inference.PredictorFactory;
import io.ocellus.operators.batch.MicroBatchOptions;
import io.ocellus.operators.decode.DecodeOptions;
import io.ocellus.operators.inference.InferenceTasks;
import java.io.Serializable;

/**
 * What the workflow needs besides its input.
 *
 * @param model opens the model on each worker
 * @param tasks which results to produce
 * @param batching micro-batch size and delay
 * @param decoding limits, JPEG scaling and claim-check roots
 */
public record WorkflowOptions(
        PredictorFactory model,
        InferenceTasks tasks,
        MicroBatchOptions batching,
        DecodeOptions decoding)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public WorkflowOptions {
        if (model == null || tasks == null || batching == null || decoding == null) {
            throw new IllegalArgumentException("model, tasks, batching and decoding must be set");
        }
    }
}
