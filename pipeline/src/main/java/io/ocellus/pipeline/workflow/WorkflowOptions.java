package io.ocellus.pipeline.workflow;

import io.ocellus.models.inference.PredictorFactory;
import io.ocellus.operators.batch.MicroBatchOptions;
import io.ocellus.operators.inference.InferenceTasks;
import java.io.Serializable;

/**
 * What the workflow needs besides its input.
 *
 * @param model opens the model on each worker
 * @param tasks which results to produce
 * @param batching micro-batch size and delay
 * @param maxPixels frames with more pixels are refused from their header
 * @param jpegMinSide JPEGs are decoded scaled down in the DCT (by 2, 4 or 8) while their shorter
 *     side stays at least this many pixels, which should be the network's resolution or more; 0
 *     decodes every frame in full
 */
public record WorkflowOptions(
        PredictorFactory model,
        InferenceTasks tasks,
        MicroBatchOptions batching,
        long maxPixels,
        int jpegMinSide)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public WorkflowOptions {
        if (model == null || tasks == null || batching == null) {
            throw new IllegalArgumentException("model, tasks and batching must be set");
        }
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
        }
        if (jpegMinSide < 0) {
            throw new IllegalArgumentException("jpegMinSide must be 0 or more, got " + jpegMinSide);
        }
    }
}
