package io.ocellus.pipeline.workflow;

import io.ocellus.models.inference.PredictorFactory;
import io.ocellus.operators.batch.MicroBatchOptions;
import io.ocellus.operators.decode.DecodeOptions;
import io.ocellus.operators.geo.GeoOptions;
import io.ocellus.operators.inference.InferenceTasks;
import io.ocellus.operators.inference.ModelUpdate;
import java.io.Serializable;

/**
 * What the workflow needs besides its input.
 *
 * @param model opens the model on each worker
 * @param tasks which results to produce
 * @param batching micro-batch size and delay
 * @param decoding limits, JPEG scaling and claim-check roots
 * @param geo the geo-localization stage, or null for none (it needs embeddings on)
 * @param detector opens the detector on each worker, or null when detection is off (it runs beside
 *     the model on the same decoded frames)
 * @param modelUpdates reads the records of a model-updates stream (the model swapped while the job
 *     runs), or null when the model is fixed
 * @param separateDecodeTask decode in a task of its own, which hands each frame to the inference
 *     task through Flink's network stack, instead of in the inference task's chain
 */
public record WorkflowOptions(
        PredictorFactory model,
        InferenceTasks tasks,
        MicroBatchOptions batching,
        DecodeOptions decoding,
        GeoOptions geo,
        PredictorFactory detector,
        ModelUpdate.Reader modelUpdates,
        boolean separateDecodeTask)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public WorkflowOptions {
        if (tasks == null || batching == null || decoding == null) {
            throw new IllegalArgumentException("tasks, batching and decoding must be set");
        }
        if (model == null && tasks.needsModel()) {
            throw new IllegalArgumentException("the tasks need a model");
        }
        if ((detector != null) != (tasks.detections() != null)) {
            throw new IllegalArgumentException(
                    "a detector is needed exactly when the detection task is on");
        }
        if (detector != null && decoding.input() != null) {
            throw new IllegalArgumentException(
                    "with a detector, frames are pre-processed per model in the inference task,"
                            + " not where they are decoded");
        }
        if (modelUpdates != null && (model == null || decoding.input() != null)) {
            throw new IllegalArgumentException(
                    "model updates need a model, and frames pre-processed in the inference task"
                            + " (a new model may take another input size)");
        }
        if (modelUpdates != null && geo != null) {
            throw new IllegalArgumentException(
                    "the model cannot be swapped under geo-localization: the geo index holds the"
                            + " embeddings of one model; start a new job for a new model");
        }
        if (geo != null && !tasks.embeddings()) {
            throw new IllegalArgumentException("geo-localization needs the embeddings task on");
        }
    }

    /** A fixed model. */
    public WorkflowOptions(
            PredictorFactory model,
            InferenceTasks tasks,
            MicroBatchOptions batching,
            DecodeOptions decoding,
            GeoOptions geo,
            PredictorFactory detector) {
        this(model, tasks, batching, decoding, geo, detector, null, false);
    }

    /**
     * With model updates on, large JPEGs are decoded scaled down to no less than this on their
     * shorter side (the largest resolution of the released MobileNets), whatever the model at start
     * takes.
     */
    public static final int LARGEST_RELEASED_RESOLUTION = 224;

    /**
     * The same workflow, its model swapped by the records {@code reader} reads. The decoding then
     * serves models not known yet: frames are resized in the inference task, for the model in use,
     * and JPEGs scaled in the DCT stay at least {@link #LARGEST_RELEASED_RESOLUTION} on their
     * shorter side.
     */
    public WorkflowOptions withModelUpdates(ModelUpdate.Reader reader) {
        DecodeOptions open = decoding.withInput(null);
        if (open.jpegMinSide() > 0) {
            open = open.withJpegMinSide(Math.max(open.jpegMinSide(), LARGEST_RELEASED_RESOLUTION));
        }
        return new WorkflowOptions(
                model, tasks, batching, open, geo, detector, reader, separateDecodeTask);
    }

    /** The same workflow, decoding in a task of its own when {@code separate}. */
    public WorkflowOptions withSeparateDecodeTask(boolean separate) {
        return new WorkflowOptions(
                model, tasks, batching, decoding, geo, detector, modelUpdates, separate);
    }

    /** The same workflow, decoding as {@code value} says. */
    public WorkflowOptions withDecoding(DecodeOptions value) {
        return new WorkflowOptions(
                model, tasks, batching, value, geo, detector, modelUpdates, separateDecodeTask);
    }

    /** Without a detector. */
    public WorkflowOptions(
            PredictorFactory model,
            InferenceTasks tasks,
            MicroBatchOptions batching,
            DecodeOptions decoding,
            GeoOptions geo) {
        this(model, tasks, batching, decoding, geo, null);
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
