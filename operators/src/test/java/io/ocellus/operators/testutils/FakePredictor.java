package io.ocellus.operators.testutils;

import io.ocellus.models.InferenceException;
import io.ocellus.models.inference.FeatureMap;
import io.ocellus.models.inference.Labels;
import io.ocellus.models.inference.Outputs;
import io.ocellus.models.inference.Prediction;
import io.ocellus.models.inference.Predictor;
import io.ocellus.models.inference.PredictorFactory;
import io.ocellus.models.inference.Preprocessing;
import io.ocellus.models.inference.RgbImage;
import io.ocellus.models.inference.ScoredLabel;
import io.ocellus.models.io.ModelSignature;
import io.ocellus.models.mobilenet.Layer;
import io.ocellus.models.mobilenet.MobileNetV1Spec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A predictor without TensorFlow for operator tests: a 0.25 MobileNet at 32x32 whose "class" is the
 * mean input value mapped to 0..999, so that brighter frames get higher classes. It can be told to
 * fail every call.
 */
public final class FakePredictor implements Predictor {
    public static final MobileNetV1Spec SPEC = MobileNetV1Spec.of(0.25, 32);

    private final boolean failing;
    private boolean closed;

    public FakePredictor(boolean failing) {
        this.failing = failing;
    }

    /** A serializable factory of fake predictors. */
    public static PredictorFactory factory(boolean failing) {
        return () -> new FakePredictor(failing);
    }

    /** The class the fake gives an image whose pre-processed values average {@code mean}. */
    public static int classOf(double mean) {
        return 1 + (int) Math.round((mean + 1) / 2 * 998);
    }

    @Override
    public ModelSignature signature() {
        return ModelSignature.slim(SPEC);
    }

    @Override
    public Preprocessing preprocessing() {
        return Preprocessing.STRETCH;
    }

    @Override
    public List<Prediction> infer(List<RgbImage> images, Outputs outputs) {
        throw new UnsupportedOperationException("operators pre-process themselves");
    }

    @Override
    public List<Prediction> inferPreprocessed(float[] batch, int count, Outputs outputs)
            throws InferenceException {
        if (closed) {
            throw new IllegalStateException("closed");
        }
        if (failing) {
            throw new InferenceException("the fake model is told to fail");
        }
        int size = batch.length / count;
        List<Prediction> predictions = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            double sum = 0;
            for (int j = 0; j < size; j++) {
                sum += batch[i * size + j];
            }
            int cls = classOf(sum / size);
            List<ScoredLabel> top = new ArrayList<>();
            for (int k = 0; k < outputs.topK(); k++) {
                top.add(new ScoredLabel(cls + k, Labels.none().label(cls + k), 0.9f / (k + 1)));
            }
            float[] embedding = outputs.embedding() ? new float[SPEC.embeddingSize()] : null;
            if (embedding != null) {
                embedding[cls % embedding.length] = 1f;
            }
            Map<String, FeatureMap> features = new LinkedHashMap<>();
            for (String name : outputs.featureLayers()) {
                Layer layer = SPEC.layer(name);
                features.put(
                        name,
                        new FeatureMap(
                                name,
                                layer.outSize(),
                                layer.outSize(),
                                layer.outChannels(),
                                new float
                                        [layer.outSize() * layer.outSize() * layer.outChannels()]));
            }
            predictions.add(new Prediction(top, null, embedding, 1.0, features));
        }
        return predictions;
    }

    @Override
    public void close() {
        closed = true;
    }
}
