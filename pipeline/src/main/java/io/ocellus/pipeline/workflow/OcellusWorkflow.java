package io.ocellus.pipeline.workflow;

import io.ocellus.operators.DeadLetters;
import io.ocellus.operators.batch.MicroBatchOperator;
import io.ocellus.operators.decode.DecodedFrame;
import io.ocellus.operators.decode.FrameDecodeFunction;
import io.ocellus.operators.geo.GeoFunction;
import io.ocellus.operators.geo.GeoLookupFunction;
import io.ocellus.operators.inference.InferenceFunction;
import io.ocellus.operators.inference.ModelSwapOperator;
import io.ocellus.schemas.Classification;
import io.ocellus.schemas.DeadLetter;
import io.ocellus.schemas.FrameResults;
import io.ocellus.schemas.ImageFrame;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The Ocellus workflow, defined once for every job:
 *
 * <pre>
 * frames -> fetch, decode -------------------------> dead letters (FETCH, DECODE)
 *              \-> micro-batched inference (a failed batch fails the task)
 *                      \-> (geo: nearest geotagged references) -> classifications,
 *                          embeddings, detection features, detections, geo estimates
 * </pre>
 *
 * <pre>{@code
 * WorkflowOutputs out = OcellusWorkflow.define(env.fromSource(kafka, ...), options);
 * out.classifications().sinkTo(classificationSink);
 * }</pre>
 */
public final class OcellusWorkflow {
    private OcellusWorkflow() {}

    /** Adds the workflow to the frames' environment and returns its outputs, not yet bound. */
    public static WorkflowOutputs define(DataStream<ImageFrame> frames, WorkflowOptions options) {
        return define(frames, options, null);
    }

    /**
     * As {@link #define(DataStream, WorkflowOptions)}, the geo stage's index replaced by each URI
     * that arrives on {@code geoIndexUpdates} (null: the index of the options throughout).
     */
    public static WorkflowOutputs define(
            DataStream<ImageFrame> frames,
            WorkflowOptions options,
            DataStream<String> geoIndexUpdates) {
        return define(frames, options, geoIndexUpdates, null);
    }

    /**
     * As {@link #define(DataStream, WorkflowOptions, DataStream)}, the model replaced by each one
     * named on {@code modelUpdates} (null: the model of the options throughout; else the options
     * must have {@link WorkflowOptions#modelUpdates()}).
     */
    public static WorkflowOutputs define(
            DataStream<ImageFrame> frames,
            WorkflowOptions options,
            DataStream<String> geoIndexUpdates,
            DataStream<String> modelUpdates) {
        if ((modelUpdates != null) != (options.modelUpdates() != null)) {
            throw new IllegalArgumentException(
                    "a model-updates stream goes with options that read it (withModelUpdates)");
        }
        SingleOutputStreamOperator<DecodedFrame> decoded =
                // Spread frames over the decode and inference instances whatever the input's
                // partitioning: one busy camera, or fewer Kafka partitions than slots.
                frames.rebalance()
                        .process(new FrameDecodeFunction(options.decoding()))
                        .name("decode")
                        .uid("ocellus-decode");
        SingleOutputStreamOperator<FrameResults> inferred =
                inference(decoded, options, modelUpdates).uid("ocellus-inference");
        if (options.separateDecodeTask()) {
            // Decoding the next frames then overlaps the forward pass even in one slot, at the
            // cost of copying each frame's input between the tasks; chained (the default), the
            // slots overlap one another (README, pipeline speed).
            inferred.startNewChain();
        }
        SingleOutputStreamOperator<FrameResults> results = inferred;
        if (options.geo() != null) {
            results =
                    (geoIndexUpdates == null
                                    ? inferred.process(new GeoLookupFunction(options.geo()))
                                    : inferred.connect(geoIndexUpdates.broadcast(GeoFunction.STATE))
                                            .process(new GeoFunction(options.geo())))
                            .returns(TypeInformation.of(FrameResults.class))
                            .name("geo")
                            .uid("ocellus-geo");
        }
        SingleOutputStreamOperator<Classification> classifications =
                results.process(new ResultSplitter()).name("split-results").uid("ocellus-split");
        // Only a frame's own faults are dead letters, and those are known once it is decoded.
        DataStream<DeadLetter> deadLetters = decoded.getSideOutput(DeadLetters.TAG);
        return new WorkflowOutputs(
                results,
                classifications,
                classifications.getSideOutput(ResultSplitter.EMBEDDINGS),
                classifications.getSideOutput(ResultSplitter.FEATURES),
                classifications.getSideOutput(ResultSplitter.GEO),
                classifications.getSideOutput(ResultSplitter.DETECTIONS),
                deadLetters);
    }

    private static SingleOutputStreamOperator<FrameResults> inference(
            DataStream<DecodedFrame> decoded,
            WorkflowOptions options,
            DataStream<String> modelUpdates) {
        InferenceFunction function =
                new InferenceFunction(
                        options.model(),
                        options.detector(),
                        options.tasks(),
                        options.modelUpdates());
        TypeInformation<FrameResults> type = TypeInformation.of(FrameResults.class);
        if (modelUpdates == null) {
            return decoded.transform(
                    "inference", type, new MicroBatchOperator<>(function, options.batching()));
        }
        return decoded.connect(modelUpdates.broadcast())
                .transform("inference", type, new ModelSwapOperator(function, options.batching()));
    }
}
