package io.ocellus.pipeline.workflow;

import io.ocellus.schemas.Classification;
import io.ocellus.schemas.DetectionFeatures;
import io.ocellus.schemas.Detections;
import io.ocellus.schemas.Embedding;
import io.ocellus.schemas.FrameResults;
import io.ocellus.schemas.GeoEstimate;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/** Routes each task's result to its own stream: classifications out, the others to side outputs. */
final class ResultSplitter extends ProcessFunction<FrameResults, Classification> {
    private static final long serialVersionUID = 1L;

    static final OutputTag<Embedding> EMBEDDINGS =
            new OutputTag<>("embeddings", TypeInformation.of(Embedding.class));
    static final OutputTag<DetectionFeatures> FEATURES =
            new OutputTag<>("features", TypeInformation.of(DetectionFeatures.class));
    static final OutputTag<GeoEstimate> GEO =
            new OutputTag<>("geo", TypeInformation.of(GeoEstimate.class));
    static final OutputTag<Detections> DETECTIONS =
            new OutputTag<>("detections", TypeInformation.of(Detections.class));

    @Override
    public void processElement(
            FrameResults results, Context context, Collector<Classification> out) {
        if (results.getClassification() != null) {
            out.collect(results.getClassification());
        }
        if (results.getEmbedding() != null) {
            context.output(EMBEDDINGS, results.getEmbedding());
        }
        if (results.getFeatures() != null) {
            context.output(FEATURES, results.getFeatures());
        }
        if (results.getGeo() != null) {
            context.output(GEO, results.getGeo());
        }
        if (results.getDetections() != null) {
            context.output(DETECTIONS, results.getDetections());
        }
    }
}
