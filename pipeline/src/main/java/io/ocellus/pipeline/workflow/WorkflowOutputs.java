package io.ocellus.pipeline.workflow;

import io.ocellus.schemas.Classification;
import io.ocellus.schemas.DeadLetter;
import io.ocellus.schemas.DetectionFeatures;
import io.ocellus.schemas.Detections;
import io.ocellus.schemas.Embedding;
import io.ocellus.schemas.FrameResults;
import io.ocellus.schemas.GeoEstimate;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The streams the workflow produces. A task that is off yields an empty stream; every input frame
 * ends up in exactly one result per task that is on, or in {@link #deadLetters()}.
 *
 * @param results every task's result of a frame together (what the per-task streams are split
 *     from), for sinks that keep them together
 */
public record WorkflowOutputs(
        DataStream<FrameResults> results,
        DataStream<Classification> classifications,
        DataStream<Embedding> embeddings,
        DataStream<DetectionFeatures> features,
        DataStream<GeoEstimate> geo,
        DataStream<Detections> detections,
        DataStream<DeadLetter> deadLetters) {}
