package io.ocellus.models.mobilenet;

import io.ocellus.models.weights.LayerWeights;
import io.ocellus.models.weights.MobileNetV1Weights;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.op.quantization.FakeQuantWithMinMaxArgs;
import org.tensorflow.types.TFloat32;

/**
 * Writes MobileNet v1 into a TensorFlow graph with the Ops API, one loop over the layer table.
 *
 * <p>Tensors carry TF-slim's names, so a graph built here and a TF1 frozen graph exported from slim
 * answer to the same fetches: {@link #INPUT} (NHWC float32 in [-1, 1], batch dimension open),
 * {@link #activation(String)} for every layer, {@link #EMBEDDING} for the pooled vector, {@link
 * #LOGITS} and {@link #PROBABILITIES}. Batch norm is folded: each layer is convolution, bias,
 * ReLU6.
 *
 * <pre>{@code
 * try (Graph graph = new Graph()) {
 *     MobileNetV1GraphBuilder.build(Ops.create(graph), weights, WeightMode.CONSTANTS);
 * }
 * }</pre>
 */
public final class MobileNetV1GraphBuilder {
    /** The input placeholder, {@code [batch, resolution, resolution, 3]} in [-1, 1]. */
    public static final String INPUT = "input";

    /** The pooled embedding, {@code [batch, 1, 1, 1024 x alpha]}. */
    public static final String EMBEDDING = "MobilenetV1/Logits/AvgPool_1a/AvgPool";

    /** The logits, {@code [batch, classes]}. */
    public static final String LOGITS = "MobilenetV1/Logits/SpatialSqueeze";

    /** The softmax over the logits, {@code [batch, classes]}. */
    public static final String PROBABILITIES = "MobilenetV1/Predictions/Reshape_1";

    private static final List<Long> UNIT_STRIDES = List.of(1L, 1L, 1L, 1L);

    /** How the weights enter the graph. */
    public enum WeightMode {
        /** Constants: a frozen graph, the fastest to load and run. */
        CONSTANTS,
        /** Variables initialised from constants: what a SavedModel stores under variables/. */
        VARIABLES
    }

    private MobileNetV1GraphBuilder() {}

    /** The activation (after ReLU6) of a body layer, for example {@code Conv2d_11_pointwise}. */
    public static String activation(String layer) {
        return "MobilenetV1/MobilenetV1/" + layer + "/Relu6";
    }

    /** Builds the network on a new {@link #INPUT} placeholder and returns the probabilities. */
    public static Operand<TFloat32> build(Ops tf, MobileNetV1Weights weights, WeightMode mode) {
        return build(tf, weights, mode, false);
    }

    /**
     * Builds the network on a new {@link #INPUT} placeholder. With {@code emulateQuantization} and
     * weights from a quantized model, the input and every layer's output are rounded to the 8-bit
     * grids the model was trained and is run with (TensorFlow's {@code FakeQuantWithMinMaxArgs}),
     * so float inference tracks the integer TensorFlow Lite interpreter closely.
     */
    public static Operand<TFloat32> build(
            Ops tf, MobileNetV1Weights weights, WeightMode mode, boolean emulateQuantization) {
        int resolution = weights.spec().resolution();
        Operand<TFloat32> input =
                tf.withName(INPUT)
                        .placeholder(
                                TFloat32.class,
                                Placeholder.shape(Shape.of(-1, resolution, resolution, 3)));
        boolean emulate = emulateQuantization && weights.hasActivationRanges();
        if (emulate && weights.inputRange() != null) {
            input = fakeQuant(tf.withName("input_quant"), input, weights.inputRange());
        }
        return build(tf, input, weights, mode, emulate);
    }

    /**
     * Builds the network on {@code input} and returns the probabilities, or the embedding when the
     * weights have no logits layer.
     */
    public static Operand<TFloat32> build(
            Ops tf, Operand<TFloat32> input, MobileNetV1Weights weights, WeightMode mode) {
        return build(tf, input, weights, mode, false);
    }

    private static Operand<TFloat32> build(
            Ops tf,
            Operand<TFloat32> input,
            MobileNetV1Weights weights,
            WeightMode mode,
            boolean emulate) {
        MobileNetV1Spec spec = weights.spec();
        Ops root = tf.withSubScope("MobilenetV1"); // once: each withSubScope call makes a new scope
        Ops body = root.withSubScope("MobilenetV1");
        Operand<TFloat32> x = input;
        for (Layer layer : spec.bodyLayers()) {
            x =
                    convolution(
                            body.withSubScope(layer.name()),
                            x,
                            layer,
                            weights.layer(layer.name()),
                            mode,
                            emulate);
        }
        Ops logits = root.withSubScope("Logits");
        long pool = spec.finalMapSize();
        Operand<TFloat32> embedding =
                logits.withSubScope("AvgPool_1a")
                        .withName("AvgPool")
                        .nn
                        .avgPool(x, List.of(1L, pool, pool, 1L), UNIT_STRIDES, "VALID");
        if (emulate && weights.poolRange() != null) {
            embedding = fakeQuant(logits.withName("AvgPool_quant"), embedding, weights.poolRange());
        }
        if (spec.numClasses() == 0) {
            return embedding;
        }
        Layer head = spec.headLayers().get(0);
        Operand<TFloat32> scores =
                convolution(
                        logits.withSubScope(head.name()),
                        embedding,
                        head,
                        weights.layer(head.name()),
                        mode,
                        emulate);
        Operand<TFloat32> squeezed =
                logits.withName("SpatialSqueeze").squeeze(scores, Squeeze.axis(1L, 2L));
        Ops predictions = root.withSubScope("Predictions");
        Operand<TFloat32> softmax = predictions.withName("Softmax").nn.softmax(squeezed);
        return predictions.withName("Reshape_1").identity(softmax);
    }

    private static Operand<TFloat32> convolution(
            Ops tf,
            Operand<TFloat32> x,
            Layer layer,
            LayerWeights weights,
            WeightMode mode,
            boolean emulate) {
        List<Long> strides = List.of(1L, (long) layer.stride(), (long) layer.stride(), 1L);
        Operand<TFloat32> kernel =
                weight(
                        tf,
                        "weights",
                        Shape.of(toLongs(layer.kernelShape())),
                        weights.kernel(),
                        mode);
        Operand<TFloat32> bias =
                weight(tf, "biases", Shape.of(layer.outChannels()), weights.bias(), mode);
        Operand<TFloat32> conv =
                layer.kind() == LayerKind.DEPTHWISE
                        ? tf.withName("depthwise")
                                .nn
                                .depthwiseConv2dNative(x, kernel, strides, "SAME")
                        : tf.withName("Conv2D").nn.conv2d(x, kernel, strides, "SAME");
        Operand<TFloat32> biased = tf.withName("BiasAdd").nn.biasAdd(conv, bias);
        if (!layer.kind().hasBatchNormAndRelu6()) {
            return emulate
                    ? fakeQuant(tf.withName("act_quant"), biased, weights.activationRange())
                    : biased;
        }
        if (!emulate) {
            return tf.withName("Relu6").nn.relu6(biased);
        }
        Operand<TFloat32> activated = tf.withName("Relu6_float").nn.relu6(biased);
        return fakeQuant(tf.withName("Relu6"), activated, weights.activationRange());
    }

    private static Operand<TFloat32> fakeQuant(Ops tf, Operand<TFloat32> x, float[] range) {
        return tf.quantization.fakeQuantWithMinMaxArgs(
                x,
                FakeQuantWithMinMaxArgs.min(range[0]),
                FakeQuantWithMinMaxArgs.max(range[1]),
                FakeQuantWithMinMaxArgs.numBits(8L));
    }

    private static Operand<TFloat32> weight(
            Ops tf, String name, Shape shape, float[] values, WeightMode mode) {
        if (mode == WeightMode.CONSTANTS) {
            return tf.withName(name).constant(shape, DataBuffers.of(values, true, false));
        }
        Operand<TFloat32> initial =
                tf.withInitScope()
                        .withName(name + "_initial_value")
                        .constant(shape, DataBuffers.of(values, true, false));
        return tf.withName(name).variable(initial);
    }

    private static long[] toLongs(int[] values) {
        long[] longs = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            longs[i] = values[i];
        }
        return longs;
    }
}
