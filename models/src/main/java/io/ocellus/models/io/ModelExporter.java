package io.ocellus.models.io;

import io.ocellus.models.mobilenet.MobileNetV1GraphBuilder;
import io.ocellus.models.mobilenet.MobileNetV1GraphBuilder.WeightMode;
import io.ocellus.models.weights.MobileNetV1Weights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.types.TFloat32;

/**
 * Writes a MobileNet v1 in the formats other TensorFlow tools read: a TF1 frozen GraphDef with
 * TF-slim's tensor names, and a SavedModel with TF-Hub style signatures ({@value
 * #CLASSIFICATION_SIGNATURE}: {@code images} in [0, 1] to {@code logits} and {@code probabilities};
 * {@value #FEATURE_VECTOR_SIGNATURE}: {@code images} to {@code feature_vector}). Stateless; every
 * native resource it opens is closed before it returns.
 */
public final class ModelExporter {
    public static final String CLASSIFICATION_SIGNATURE = Signature.DEFAULT_KEY;
    public static final String FEATURE_VECTOR_SIGNATURE = "feature_vector";
    public static final String IMAGES = "images";

    private ModelExporter() {}

    /** Writes a frozen GraphDef: weights as constants, input {@code input} in [-1, 1]. */
    public static void exportFrozenGraph(MobileNetV1Weights weights, Path file) throws IOException {
        try (Graph graph = new Graph()) {
            MobileNetV1GraphBuilder.build(Ops.create(graph), weights, WeightMode.CONSTANTS);
            Files.write(file, graph.toGraphDef().toByteArray());
        }
    }

    /**
     * Writes a SavedModel directory: weights as variables, inputs in [0, 1] as TF-Hub takes them.
     */
    public static void exportSavedModel(MobileNetV1Weights weights, Path dir) throws IOException {
        int resolution = weights.spec().resolution();
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> images =
                    tf.withName(IMAGES)
                            .placeholder(
                                    TFloat32.class,
                                    Placeholder.shape(Shape.of(-1, resolution, resolution, 3)));
            Operand<TFloat32> input =
                    tf.withName(MobileNetV1GraphBuilder.INPUT)
                            .math
                            .sub(tf.math.mul(images, tf.constant(2f)), tf.constant(1f));
            Operand<TFloat32> probabilities =
                    MobileNetV1GraphBuilder.build(tf, input, weights, WeightMode.VARIABLES);
            Operand<TFloat32> featureVector =
                    tf.withName("feature_vector")
                            .squeeze(
                                    graph.operation(MobileNetV1GraphBuilder.EMBEDDING).output(0),
                                    Squeeze.axis(1L, 2L));
            try (Session session = new Session(graph)) {
                session.initialize();
                Signature.Builder classification =
                        Signature.builder(CLASSIFICATION_SIGNATURE).input(IMAGES, images);
                if (weights.spec().numClasses() > 0) {
                    classification
                            .output(
                                    "logits",
                                    graph.operation(MobileNetV1GraphBuilder.LOGITS).output(0))
                            .output("probabilities", probabilities);
                } else {
                    classification.output("feature_vector", featureVector);
                }
                Signature features =
                        Signature.builder(FEATURE_VECTOR_SIGNATURE)
                                .input(IMAGES, images)
                                .output("feature_vector", featureVector)
                                .build();
                SavedModelBundle.exporter(dir.toString())
                        .withFunction(SessionFunction.create(classification.build(), session))
                        .withFunction(SessionFunction.create(features, session))
                        .export();
            }
        }
    }
}
