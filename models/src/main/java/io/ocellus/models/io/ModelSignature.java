package io.ocellus.models.io;

import io.ocellus.models.detection.DetectionHead;
import io.ocellus.models.mobilenet.Layer;
import io.ocellus.models.mobilenet.MobileNetV1GraphBuilder;
import io.ocellus.models.mobilenet.MobileNetV1Spec;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The tensors of a loaded model that the engine feeds and fetches, and the model's shape.
 *
 * @param modelId a stable id, for example {@code mobilenet_v1_1.0_224}
 * @param alpha the width multiplier
 * @param resolution the input height and width
 * @param input the input tensor, NHWC float32
 * @param inputLow the input value of a black pixel (-1 for slim models, 0 for TF-Hub ones)
 * @param inputHigh the input value of a white pixel
 * @param probabilities the softmax tensor, or null when the model has none
 * @param logits the logits tensor, or null
 * @param embedding the pooled embedding tensor, or null
 * @param featureTensors activation tensors by TF-slim layer name; may be empty
 * @param numClasses classes of the classifier, 0 when there is none
 * @param embeddingSize values in the embedding
 * @param detection the detector's outputs, or null when the model is not a detector
 */
public record ModelSignature(
        String modelId,
        double alpha,
        int resolution,
        String input,
        float inputLow,
        float inputHigh,
        String probabilities,
        String logits,
        String embedding,
        Map<String, String> featureTensors,
        int numClasses,
        int embeddingSize,
        DetectionHead detection) {

    public ModelSignature {
        featureTensors = Map.copyOf(featureTensors);
    }

    /** A model that is not a detector. */
    public ModelSignature(
            String modelId,
            double alpha,
            int resolution,
            String input,
            float inputLow,
            float inputHigh,
            String probabilities,
            String logits,
            String embedding,
            Map<String, String> featureTensors,
            int numClasses,
            int embeddingSize) {
        this(
                modelId,
                alpha,
                resolution,
                input,
                inputLow,
                inputHigh,
                probabilities,
                logits,
                embedding,
                featureTensors,
                numClasses,
                embeddingSize,
                null);
    }

    /** The names {@link MobileNetV1GraphBuilder} gives, which TF-slim frozen graphs share. */
    public static ModelSignature slim(MobileNetV1Spec spec) {
        Map<String, String> features = new LinkedHashMap<>();
        for (Layer layer : spec.bodyLayers()) {
            features.put(layer.name(), MobileNetV1GraphBuilder.activation(layer.name()));
        }
        boolean classifier = spec.numClasses() > 0;
        return new ModelSignature(
                spec.id(),
                spec.alpha(),
                spec.resolution(),
                MobileNetV1GraphBuilder.INPUT,
                -1f,
                1f,
                classifier ? MobileNetV1GraphBuilder.PROBABILITIES : null,
                classifier ? MobileNetV1GraphBuilder.LOGITS : null,
                MobileNetV1GraphBuilder.EMBEDDING,
                features,
                spec.numClasses(),
                spec.embeddingSize());
    }

    /** The same tensors with another input range. */
    public ModelSignature withInputRange(float low, float high) {
        return new ModelSignature(
                modelId,
                alpha,
                resolution,
                input,
                low,
                high,
                probabilities,
                logits,
                embedding,
                featureTensors,
                numClasses,
                embeddingSize,
                detection);
    }

    public boolean hasClassifier() {
        return probabilities != null || logits != null;
    }

    public boolean isDetector() {
        return detection != null;
    }
}
