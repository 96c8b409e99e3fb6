package io.ocellus.models.io;

import io.ocellus.models.MalformedModelException;
import io.ocellus.models.ModelException;
import io.ocellus.models.inference.Labels;
import io.ocellus.models.mobilenet.Layer;
import io.ocellus.models.mobilenet.MobileNetV1GraphBuilder;
import io.ocellus.models.mobilenet.MobileNetV1Spec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Signature;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.proto.ConfigProto;

/**
 * Loads SavedModels with TF-Hub style signatures: one NHWC float input of images in [0, 1], and a
 * classification output ({@code [batch, 1001]} or {@code [batch, 1000]} logits or, when its key
 * says {@code prob}, probabilities) and/or a feature-vector output ({@code [batch, channels]}).
 * When the graph also carries TF-slim's activation names, their feature maps are available too.
 */
final class SavedModels {
    /** The input range of TF-Hub image modules. */
    static final float HUB_INPUT_LOW = 0f;

    static final float HUB_INPUT_HIGH = 1f;

    private SavedModels() {}

    static LoadedModel load(Path dir, ConfigProto config, Labels labels) throws ModelException {
        SavedModelBundle bundle;
        try {
            bundle =
                    SavedModelBundle.loader(dir.toString())
                            .withTags(SavedModelBundle.DEFAULT_TAG)
                            .withConfigProto(config)
                            .load();
        } catch (TensorFlowException | IllegalArgumentException e) {
            throw new MalformedModelException(
                    dir + ": cannot load SavedModel: " + e.getMessage(), e);
        }
        try {
            return new LoadedModel(bundle, signature(dir, bundle), labels);
        } catch (ModelException | RuntimeException e) {
            bundle.close();
            throw e;
        }
    }

    private static ModelSignature signature(Path dir, SavedModelBundle bundle)
            throws MalformedModelException {
        Signature.TensorDescription input = null;
        String probabilities = null;
        String logits = null;
        String embedding = null;
        int classes = 0;
        int embeddingSize = 0;
        for (Signature signature : bundle.signatures()) {
            for (Signature.TensorDescription in : signature.getInputs().values()) {
                if (in.shape.numDimensions() == 4 && in.shape.get(3) == 3) {
                    input = in;
                }
            }
            for (Map.Entry<String, Signature.TensorDescription> out :
                    signature.getOutputs().entrySet()) {
                Signature.TensorDescription tensor = out.getValue();
                if (tensor.shape.numDimensions() != 2) {
                    continue;
                }
                int width = (int) tensor.shape.get(1);
                if (width == 1001 || width == 1000) {
                    classes = width;
                    if (out.getKey().toLowerCase(Locale.ROOT).contains("prob")) {
                        probabilities = tensor.name;
                    } else {
                        logits = tensor.name;
                    }
                } else if (width > 0) {
                    embedding = tensor.name;
                    embeddingSize = width;
                }
            }
        }
        if (input == null || input.shape.get(1) <= 0 || input.shape.get(1) != input.shape.get(2)) {
            throw new MalformedModelException(
                    dir + ": no signature takes a fixed-size image input [batch, R, R, 3]");
        }
        if (logits == null && probabilities == null && embedding == null) {
            throw new MalformedModelException(
                    dir
                            + ": no signature gives classes [batch, 1001] or a feature vector [batch, C]");
        }
        int resolution = (int) input.shape.get(1);
        double alpha = embeddingSize > 0 ? embeddingSize / 1024.0 : 1.0;
        MobileNetV1Spec spec = new MobileNetV1Spec(alpha, resolution, classes);
        return new ModelSignature(
                spec.id(),
                alpha,
                resolution,
                input.name,
                HUB_INPUT_LOW,
                HUB_INPUT_HIGH,
                probabilities,
                logits,
                embedding,
                slimFeatures(bundle, spec),
                classes,
                embeddingSize);
    }

    private static Map<String, String> slimFeatures(SavedModelBundle bundle, MobileNetV1Spec spec) {
        Map<String, String> features = new LinkedHashMap<>();
        for (Layer layer : spec.bodyLayers()) {
            String name = MobileNetV1GraphBuilder.activation(layer.name());
            if (bundle.graph().operation(name) != null) {
                features.put(layer.name(), name);
            }
        }
        return features;
    }
}
