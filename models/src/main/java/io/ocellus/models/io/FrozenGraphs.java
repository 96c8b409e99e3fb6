package io.ocellus.models.io;

import io.ocellus.models.MalformedModelException;
import io.ocellus.models.mobilenet.MobileNetV1GraphBuilder;
import io.ocellus.models.mobilenet.MobileNetV1Spec;
import java.nio.file.Path;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.ndarray.Shape;

/** Reads the shape of a TF-slim MobileNet v1 from the tensors of an imported frozen graph. */
final class FrozenGraphs {
    private FrozenGraphs() {}

    static ModelSignature signature(Path file, Graph graph) throws MalformedModelException {
        Shape input = shapeOf(file, graph, MobileNetV1GraphBuilder.INPUT);
        Shape pooled = shapeOf(file, graph, MobileNetV1GraphBuilder.EMBEDDING);
        if (input.numDimensions() != 4 || input.get(1) <= 0 || input.get(1) != input.get(2)) {
            throw new MalformedModelException(
                    String.format(
                            "%s: input '%s' has shape %s, expected [batch, R, R, 3]",
                            file, MobileNetV1GraphBuilder.INPUT, input));
        }
        GraphOperation probabilities = graph.operation(MobileNetV1GraphBuilder.PROBABILITIES);
        int classes = probabilities == null ? 0 : (int) probabilities.output(0).shape().get(1);
        long channels = pooled.get(pooled.numDimensions() - 1);
        MobileNetV1Spec spec =
                new MobileNetV1Spec(channels / 1024.0, (int) input.get(1), Math.max(classes, 0));
        return ModelSignature.slim(spec); // without a softmax: an embedding model
    }

    private static Shape shapeOf(Path file, Graph graph, String name)
            throws MalformedModelException {
        GraphOperation operation = graph.operation(name);
        if (operation == null) {
            throw new MalformedModelException(
                    String.format(
                            "%s: no tensor '%s'; a TF-slim MobileNet v1 frozen graph has it",
                            file, name));
        }
        return operation.output(0).shape();
    }
}
