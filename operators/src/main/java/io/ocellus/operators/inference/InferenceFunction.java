package io.ocellus.operators.inference;

import io.ocellus.models.inference.FeatureMap;
import io.ocellus.models.inference.ImagePreprocessor;
import io.ocellus.models.inference.Prediction;
import io.ocellus.models.inference.Predictor;
import io.ocellus.models.inference.PredictorFactory;
import io.ocellus.models.inference.ScoredLabel;
import io.ocellus.models.io.ModelSignature;
import io.ocellus.operators.batch.BatchFunction;
import io.ocellus.operators.decode.DecodedFrame;
import io.ocellus.schemas.Classification;
import io.ocellus.schemas.DetectionFeatures;
import io.ocellus.schemas.Embedding;
import io.ocellus.schemas.FrameRef;
import io.ocellus.schemas.FrameResults;
import io.ocellus.schemas.Timings;
import io.ocellus.schemas.ValueEncoding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a batch of decoded frames through the model: pre-processes each frame (timed apart), one
 * forward pass for the batch, and one {@link FrameResults} per frame with the tasks that are on.
 * The model is opened from its {@link PredictorFactory} in {@link #open()} and closed in {@link
 * #close()}; one per parallel instance.
 */
public final class InferenceFunction implements BatchFunction<DecodedFrame, FrameResults> {
    private static final long serialVersionUID = 1L;

    private final PredictorFactory model;
    private final InferenceTasks tasks;

    private transient Predictor predictor;

    public InferenceFunction(PredictorFactory model, InferenceTasks tasks) {
        this.model = model;
        this.tasks = tasks;
    }

    @Override
    public void open() throws Exception {
        predictor = model.open();
    }

    @Override
    public List<FrameResults> apply(List<DecodedFrame> batch) throws Exception {
        ModelSignature signature = predictor.signature();
        int size = signature.resolution() * signature.resolution() * 3;
        float[] input = new float[batch.size() * size];
        long[] preprocessMicros = new long[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            DecodedFrame frame = batch.get(i);
            if (frame.input != null) { // pre-processed where it was decoded
                if (frame.inputSize() != size) {
                    throw new IllegalStateException(
                            String.format(
                                    "frame %s was pre-processed to %d floats, %s takes %d",
                                    frame.frameId, frame.inputSize(), signature.modelId(), size));
                }
                frame.copyInput(input, i * size);
                preprocessMicros[i] = frame.preprocessMicros;
                continue;
            }
            long start = System.nanoTime();
            ImagePreprocessor.fill(
                    frame.image(),
                    predictor.preprocessing(),
                    signature.resolution(),
                    signature.inputLow(),
                    signature.inputHigh(),
                    input,
                    i * size);
            preprocessMicros[i] = (System.nanoTime() - start) / 1000;
        }
        long start = System.nanoTime();
        List<Prediction> predictions =
                predictor.inferPreprocessed(input, batch.size(), tasks.outputs());
        long inferenceMicros = (System.nanoTime() - start) / 1000;
        List<FrameResults> results = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            DecodedFrame frame = batch.get(i);
            Timings timings =
                    new Timings(
                            frame.decodeMicros, preprocessMicros[i], inferenceMicros, batch.size());
            results.add(results(frame.ref(), signature.modelId(), predictions.get(i), timings));
        }
        return results;
    }

    private FrameResults results(
            FrameRef frame, String modelId, Prediction prediction, Timings timings) {
        FrameResults results = new FrameResults();
        if (tasks.topK() > 0) {
            List<io.ocellus.schemas.ScoredLabel> top = new ArrayList<>();
            for (ScoredLabel label : prediction.top()) {
                top.add(
                        new io.ocellus.schemas.ScoredLabel(
                                label.index(), label.label(), label.score()));
            }
            results.setClassification(new Classification(frame, modelId, top, timings));
        }
        if (tasks.embeddings()) {
            List<Float> vector = new ArrayList<>(prediction.embedding().length);
            for (float v : prediction.embedding()) {
                vector.add(v);
            }
            results.setEmbedding(
                    new Embedding(
                            frame,
                            modelId,
                            vector,
                            (float) prediction.embeddingNorm(),
                            tasks.normalizeEmbeddings()));
        }
        if (tasks.features()) {
            List<io.ocellus.schemas.FeatureMap> maps = new ArrayList<>();
            for (FeatureMap map : prediction.features().values()) {
                maps.add(
                        new io.ocellus.schemas.FeatureMap(
                                map.layer(),
                                map.height(),
                                map.width(),
                                map.channels(),
                                ValueEncoding.FLOAT32_LE,
                                littleEndian(map.values())));
            }
            maps.sort((a, b) -> a.getLayer().compareTo(b.getLayer()));
            results.setFeatures(new DetectionFeatures(frame, modelId, maps));
        }
        return results;
    }

    private static ByteBuffer littleEndian(float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return bytes;
    }

    @Override
    public void close() {
        if (predictor != null) {
            predictor.close();
            predictor = null;
        }
    }
}
