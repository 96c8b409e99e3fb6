package io.ocellus.models.inference;

import io.ocellus.models.detection.Detection;
import io.ocellus.models.io.ModelSignature;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.Result;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/** Copies fetched tensors into per-image {@link Prediction}s: softmax, top-k, norms, maps. */
final class OutputDecoder {
    private OutputDecoder() {}

    static List<Prediction> decode(
            Result result,
            List<String> fetches,
            int count,
            Outputs outputs,
            ModelSignature signature,
            Labels labels) {
        int next = 0;
        float[][] classes = null;
        if (outputs.needsClasses()) {
            classes = split((TFloat32) result.get(next++), count);
            if (signature.probabilities() == null) {
                for (float[] logits : classes) {
                    softmaxInPlace(logits);
                }
            }
        }
        float[][] embeddings =
                outputs.embedding() ? split((TFloat32) result.get(next++), count) : null;
        Map<String, TFloat32> maps = new LinkedHashMap<>();
        for (String layer : outputs.featureLayers()) {
            maps.put(layer, (TFloat32) result.get(next++));
        }
        List<List<Detection>> detections = null;
        if (outputs.detections() != null) {
            detections =
                    DetectionDecoder.decode(
                            (TFloat32) result.get(next),
                            (TFloat32) result.get(next + 1),
                            (TInt32) result.get(next + 2),
                            count,
                            signature.detection(),
                            outputs.detections(),
                            labels);
            next += 3;
        }
        if (next != fetches.size()) {
            throw new IllegalStateException(
                    "fetched " + fetches.size() + " tensors, decoded " + next);
        }
        List<Prediction> predictions = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Prediction prediction =
                    prediction(i, classes, embeddings, maps, outputs, labels, count);
            if (detections != null) {
                prediction =
                        new Prediction(
                                prediction.top(),
                                prediction.probabilities(),
                                prediction.embedding(),
                                prediction.embeddingNorm(),
                                prediction.features(),
                                detections.get(i));
            }
            predictions.add(prediction);
        }
        return predictions;
    }

    private static Prediction prediction(
            int i,
            float[][] classes,
            float[][] embeddings,
            Map<String, TFloat32> maps,
            Outputs outputs,
            Labels labels,
            int count) {
        List<ScoredLabel> top =
                classes == null ? List.of() : TopK.of(classes[i], outputs.topK(), labels);
        float[] embedding = embeddings == null ? null : embeddings[i];
        double norm = embedding == null ? 0 : l2Norm(embedding);
        if (embedding != null && outputs.normalizeEmbedding() && norm > 0) {
            for (int j = 0; j < embedding.length; j++) {
                embedding[j] = (float) (embedding[j] / norm);
            }
        }
        Map<String, FeatureMap> features = new LinkedHashMap<>();
        maps.forEach((layer, tensor) -> features.put(layer, featureMap(layer, tensor, i, count)));
        return new Prediction(
                top,
                outputs.probabilities() && classes != null ? classes[i] : null,
                embedding,
                norm,
                features);
    }

    private static FeatureMap featureMap(String layer, TFloat32 tensor, int i, int count) {
        Shape shape = tensor.shape();
        int per = (int) (shape.size() / count);
        float[] values = new float[per];
        tensor.asRawTensor().data().asFloats().offset((long) i * per).read(values);
        return new FeatureMap(
                layer, (int) shape.get(1), (int) shape.get(2), (int) shape.get(3), values);
    }

    /** One float array per image, whatever the tensor's rank. */
    private static float[][] split(TFloat32 tensor, int count) {
        int per = (int) (tensor.shape().size() / count);
        float[] all = new float[per * count];
        tensor.asRawTensor().data().asFloats().read(all);
        float[][] rows = new float[count][per];
        for (int i = 0; i < count; i++) {
            System.arraycopy(all, i * per, rows[i], 0, per);
        }
        return rows;
    }

    static void softmaxInPlace(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) Math.exp(logits[i] - max);
            sum += logits[i];
        }
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) (logits[i] / sum);
        }
    }

    private static double l2Norm(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        return Math.sqrt(sum);
    }
}
