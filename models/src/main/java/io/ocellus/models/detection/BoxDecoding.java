package io.ocellus.models.detection;

import io.ocellus.models.MalformedModelException;
import io.ocellus.models.weights.TensorDequantizer;
import io.ocellus.models.weights.internal.TfliteSchema;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Stack;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * {@code TFLite_Detection_PostProcess} up to suppression, as TensorFlow ops: the box encodings
 * decoded against the file's anchors (centre-size, with its y/x/h/w scales) into {@value
 * SsdGraphBuilder#BOXES}, and each anchor's best class without the background and its score into
 * {@value SsdGraphBuilder#CLASSES} and {@value SsdGraphBuilder#SCORES}. Suppression runs on the
 * host ({@link FastNms}).
 */
final class BoxDecoding {
    private BoxDecoding() {}

    /**
     * Reads the operator's options and inputs, adds the decoding and returns the head.
     *
     * @param encodings the box encodings, real values
     * @param classes the class scores, real values
     * @param logits the logits whose sigmoid {@code classes} is, or null: then each anchor's best
     *     class is found on them and only its score goes through the sigmoid (monotonic, so the
     *     same class and score; without 8-bit grids, whose ties the logits would break otherwise)
     * @param labels lines in the label file (0 when none)
     * @param macs the convolutions' multiply-adds, for the head
     */
    static DetectionHead build(
            Ops tf,
            Path file,
            TfliteSchema.Model model,
            TfliteSchema.SubGraph graph,
            TfliteSchema.Operator op,
            Operand<TFloat32> encodings,
            Operand<TFloat32> classes,
            Operand<TFloat32> logits,
            int labels,
            long macs)
            throws MalformedModelException {
        PostProcessOptions options = PostProcessOptions.read(op.customOptions(), file.toString());
        int[] inputs = op.inputs();
        TfliteSchema.Tensor anchorsTensor = graph.tensor(inputs[2]);
        int[] anchorShape = anchorsTensor.shape();
        int anchors = anchorShape.length == 2 && anchorShape[1] == 4 ? anchorShape[0] : -1;
        if (anchors < 1) {
            throw MalformedModelException.shapeMismatch(
                    file.toString(), anchorsTensor.name(), new int[] {-1, 4}, anchorShape);
        }
        check(file, graph.tensor(inputs[0]), new int[] {1, anchors, 4});
        TfliteSchema.Tensor classesTensor = graph.tensor(inputs[1]);
        int[] classShape = classesTensor.shape();
        if (classShape.length != 3
                || classShape[0] != 1
                || classShape[1] != anchors
                || classShape[2] < options.numClasses()) {
            throw MalformedModelException.shapeMismatch(
                    file.toString(),
                    classesTensor.name(),
                    new int[] {1, anchors, options.numClasses() + 1},
                    classShape);
        }
        Ops decode = tf.withSubScope("detection");
        decodeBoxes(
                decode,
                encodings,
                TensorDequantizer.dequantize(file, model, anchorsTensor),
                anchors,
                options);
        int labelOffset = classShape[2] - options.numClasses();
        Operand<TFloat32> classScores =
                decode.slice(
                        logits != null ? logits : classes,
                        tf.constant(new int[] {0, 0, labelOffset}),
                        tf.constant(new int[] {-1, -1, options.numClasses()}));
        Operand<TInt32> last = tf.constant(-1);
        if (logits != null) {
            decode.withName("scores").math.sigmoid(decode.max(classScores, last));
        } else {
            decode.withName("scores").max(classScores, last);
        }
        decode.withName("classes").math.argMax(classScores, last, TInt32.class);
        int fileLabelOffset = labels == 0 || labels == options.numClasses() ? 0 : labelOffset;
        return new DetectionHead(
                SsdGraphBuilder.BOXES,
                SsdGraphBuilder.SCORES,
                SsdGraphBuilder.CLASSES,
                anchors,
                fileLabelOffset,
                options,
                macs);
    }

    private static void check(Path file, TfliteSchema.Tensor tensor, int[] expected)
            throws MalformedModelException {
        if (!Arrays.equals(tensor.shape(), expected)) {
            throw MalformedModelException.shapeMismatch(
                    file.toString(), tensor.name(), expected, tensor.shape());
        }
    }

    /** Centre-size decoding, as the post-processing operator does it before suppression. */
    private static void decodeBoxes(
            Ops tf,
            Operand<TFloat32> encodings,
            float[] anchorValues,
            int anchors,
            PostProcessOptions options) {
        float[][] columns = new float[4][anchors];
        for (int a = 0; a < anchors; a++) {
            for (int k = 0; k < 4; k++) {
                columns[k][a] = anchorValues[a * 4 + k];
            }
        }
        Operand<TFloat32> anchorY = TensorValue.constant(tf, "anchor_y", columns[0], anchors);
        Operand<TFloat32> anchorX = TensorValue.constant(tf, "anchor_x", columns[1], anchors);
        Operand<TFloat32> anchorH = TensorValue.constant(tf, "anchor_h", columns[2], anchors);
        Operand<TFloat32> anchorW = TensorValue.constant(tf, "anchor_w", columns[3], anchors);
        List<Operand<TFloat32>> parts =
                tf.unstack(encodings, 4L, Unstack.axis(-1L)).output().stream()
                        .map(o -> (Operand<TFloat32>) o)
                        .toList();
        Operand<TFloat32> centreY = shift(tf, parts.get(0), options.yScale(), anchorH, anchorY);
        Operand<TFloat32> centreX = shift(tf, parts.get(1), options.xScale(), anchorW, anchorX);
        Operand<TFloat32> halfH = halfSize(tf, parts.get(2), options.hScale(), anchorH);
        Operand<TFloat32> halfW = halfSize(tf, parts.get(3), options.wScale(), anchorW);
        tf.withName("boxes")
                .stack(
                        List.of(
                                tf.math.sub(centreY, halfH),
                                tf.math.sub(centreX, halfW),
                                tf.math.add(centreY, halfH),
                                tf.math.add(centreX, halfW)),
                        Stack.axis(-1L));
    }

    /** {@code encoding / scale * size + centre}: a decoded centre. */
    private static Operand<TFloat32> shift(
            Ops tf,
            Operand<TFloat32> encoding,
            float scale,
            Operand<TFloat32> size,
            Operand<TFloat32> centre) {
        return tf.math.add(tf.math.mul(tf.math.div(encoding, tf.constant(scale)), size), centre);
    }

    /** {@code exp(encoding / scale) * size / 2}: half a decoded side. */
    private static Operand<TFloat32> halfSize(
            Ops tf, Operand<TFloat32> encoding, float scale, Operand<TFloat32> size) {
        return tf.math.mul(
                tf.constant(0.5f),
                tf.math.mul(tf.math.exp(tf.math.div(encoding, tf.constant(scale))), size));
    }
}
