package io.ocellus.models.mobilenet;

import io.ocellus.models.inference.EvenChannels;
import io.ocellus.models.inference.PointwiseMatMul;
import io.ocellus.models.weights.LayerWeights;
import io.ocellus.models.weights.MobileNetV1Weights;
import io.ocellus.models.weights.Requantization;
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
    /**
     * The input placeholder, {@code [batch, resolution, resolution, 3]} in [-1, 1]; built for bf16,
     * 4 channels, the fourth fed zeros (see {@link #build(Ops, MobileNetV1Weights, WeightMode,
     * boolean, boolean)}).
     */
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
     * weights from a quantized model, the input, every layer's output and the pooled embedding are
     * rounded to the model's 8-bit grids the way TensorFlow Lite's integer kernels round them (see
     * {@link Requantization}): float32 arithmetic that gives the interpreter's answers.
     */
    public static Operand<TFloat32> build(
            Ops tf, MobileNetV1Weights weights, WeightMode mode, boolean emulateQuantization) {
        return build(tf, weights, mode, emulateQuantization, false, false);
    }

    /**
     * As {@link #build(Ops, MobileNetV1Weights, WeightMode, boolean)}, for the engine's own
     * sessions. With {@code bf16}, for oneDNN's bfloat16 rewrite, a convolution over an odd number
     * of channels takes one more channel of zeros (see {@link EvenChannels}): the same sums, which
     * some CPUs get wrong with an odd count. The first convolution's is the input's fourth channel:
     * {@link #INPUT} is then {@code [batch, resolution, resolution, 4]}, its last channel fed
     * zeros. Without it, in float32, the pointwise layers and the logits run as MatMuls (see {@link
     * PointwiseMatMul}), oneDNN's faster kernel there; exported graphs keep TF-slim's 1x1 {@code
     * Conv2D}s.
     */
    public static Operand<TFloat32> build(
            Ops tf,
            MobileNetV1Weights weights,
            WeightMode mode,
            boolean emulateQuantization,
            boolean bf16) {
        return build(tf, weights, mode, emulateQuantization, bf16, !bf16);
    }

    private static Operand<TFloat32> build(
            Ops tf,
            MobileNetV1Weights weights,
            WeightMode mode,
            boolean emulateQuantization,
            boolean bf16,
            boolean matMul) {
        int resolution = weights.spec().resolution();
        // Padded here, the input costs its feeder a fourth float per pixel; a Pad op before the
        // first convolution took 0.4 ms an image at 224 (0.25_128 ran about a quarter slower).
        long channels = EvenChannels.needed(bf16, 3) ? 4 : 3;
        Operand<TFloat32> input =
                tf.withName(INPUT)
                        .placeholder(
                                TFloat32.class,
                                Placeholder.shape(Shape.of(-1, resolution, resolution, channels)));
        boolean emulate = emulateQuantization && weights.isQuantized();
        if (emulate && weights.inputRange() != null) {
            input = fakeQuant(tf.withName("input_quant"), input, weights.inputRange());
        }
        return build(tf, input, weights, mode, new Form(emulate, bf16, matMul));
    }

    /**
     * Builds the network on {@code input} and returns the probabilities, or the embedding when the
     * weights have no logits layer.
     */
    public static Operand<TFloat32> build(
            Ops tf, Operand<TFloat32> input, MobileNetV1Weights weights, WeightMode mode) {
        return build(tf, input, weights, mode, new Form(false, false, false));
    }

    /**
     * How the layers are written: on the 8-bit grids or not, padded for bfloat16 or not, pointwise
     * layers as MatMul or as 1x1 Conv2D.
     */
    private record Form(boolean emulate, boolean bf16, boolean matMul) {}

    private static Operand<TFloat32> build(
            Ops tf,
            Operand<TFloat32> input,
            MobileNetV1Weights weights,
            WeightMode mode,
            Form form) {
        MobileNetV1Spec spec = weights.spec();
        Ops root = tf.withSubScope("MobilenetV1"); // once: each withSubScope call makes a new scope
        Ops body = root.withSubScope("MobilenetV1");
        Operand<TFloat32> x = input;
        float unit = 1f; // the real value of one unit of x: emulated layers pass on output steps
        if (form.emulate() && weights.inputRange() != null) {
            unit = weights.layer(spec.bodyLayers().get(0).name()).requantization().inputScale();
            x = steps(body, "input_steps", x, unit);
        }
        for (Layer layer : spec.bodyLayers()) {
            LayerWeights layerWeights = weights.layer(layer.name());
            x =
                    convolution(
                            body.withSubScope(layer.name()),
                            x,
                            unit,
                            layer,
                            layerWeights,
                            mode,
                            form);
            unit = form.emulate() ? layerWeights.requantization().scale() : 1f;
        }
        Ops logits = root.withSubScope("Logits");
        Ops pooling = logits.withSubScope("AvgPool_1a");
        if (unit != 1f) {
            x = pooling.withName("to_real").math.mul(x, tf.constant(unit));
        }
        long pool = spec.finalMapSize();
        boolean quantizedPool = form.emulate() && weights.poolRange() != null;
        Operand<TFloat32> embedding =
                pooling.withName(quantizedPool ? "AvgPool_float" : "AvgPool")
                        .nn
                        .avgPool(x, List.of(1L, pool, pool, 1L), UNIT_STRIDES, "VALID");
        if (quantizedPool) {
            embedding = fakeQuant(pooling.withName("AvgPool"), embedding, weights.poolRange());
        }
        if (spec.numClasses() == 0) {
            return embedding;
        }
        Operand<TFloat32> scores =
                head(logits, embedding, quantizedPool, spec, weights, mode, form);
        Operand<TFloat32> squeezed =
                logits.withName("SpatialSqueeze").squeeze(scores, Squeeze.axis(1L, 2L));
        Ops predictions = root.withSubScope("Predictions");
        Operand<TFloat32> softmax = predictions.withName("Softmax").nn.softmax(squeezed);
        return predictions.withName("Reshape_1").identity(softmax);
    }

    /** The logits layer; on the grids it takes the pooled embedding as whole steps. */
    private static Operand<TFloat32> head(
            Ops logits,
            Operand<TFloat32> embedding,
            boolean quantizedPool,
            MobileNetV1Spec spec,
            MobileNetV1Weights weights,
            WeightMode mode,
            Form form) {
        Layer head = spec.headLayers().get(0);
        LayerWeights headWeights = weights.layer(head.name());
        float unit = 1f;
        Operand<TFloat32> input = embedding;
        if (quantizedPool && headWeights.requantization() != null) {
            unit = headWeights.requantization().inputScale();
            input = steps(logits, "embedding_steps", embedding, unit);
        }
        return convolution(
                logits.withSubScope(head.name()), input, unit, head, headWeights, mode, form);
    }

    /**
     * One layer. Without emulation: convolution, bias, ReLU6 in real values. With it: the layer
     * takes {@code x} in units of {@code inputUnit} and returns output steps (the main path), with
     * the real activation beside it under the TF-slim name for whoever fetches it.
     */
    private static Operand<TFloat32> convolution(
            Ops tf,
            Operand<TFloat32> x,
            float inputUnit,
            Layer layer,
            LayerWeights weights,
            WeightMode mode,
            Form form) {
        List<Long> strides = List.of(1L, (long) layer.stride(), (long) layer.stride(), 1L);
        boolean relu6 = layer.kind().hasBatchNormAndRelu6();
        Requantization rq = form.emulate() ? weights.requantization() : null;
        boolean integer = rq != null && inputUnit == rq.inputScale();
        float[] kernelValues =
                rq == null
                        ? weights.kernel()
                        : integer
                                ? rq.integerWeights(weights.kernel())
                                : scaled(weights.kernel(), inputUnit / rq.scale());
        float[] biasValues =
                rq == null
                        ? weights.bias()
                        : integer
                                ? rq.integerBias(weights.bias())
                                : stepBias(weights.bias(), rq, relu6);
        int[] shape = layer.kernelShape();
        boolean pad =
                layer.kind() != LayerKind.DEPTHWISE && EvenChannels.needed(form.bf16(), shape[2]);
        if (pad) {
            kernelValues =
                    EvenChannels.padKernel(kernelValues, shape[0] * shape[1], shape[2], shape[3]);
            x = EvenChannels.padded(tf, x, shape[2]);
            shape = new int[] {shape[0], shape[1], shape[2] + 1, shape[3]};
        }
        boolean matMul =
                form.matMul()
                        && layer.kind() != LayerKind.DEPTHWISE
                        && PointwiseMatMul.applies(
                                form.bf16(), shape[0], shape[1], layer.stride(), layer.stride());
        Shape kernelShape = matMul ? Shape.of(shape[2], shape[3]) : Shape.of(toLongs(shape));
        Operand<TFloat32> kernel = weight(tf, "weights", kernelShape, kernelValues, mode);
        Operand<TFloat32> bias =
                weight(tf, "biases", Shape.of(layer.outChannels()), biasValues, mode);
        Operand<TFloat32> conv =
                layer.kind() == LayerKind.DEPTHWISE
                        ? tf.withName("depthwise")
                                .nn
                                .depthwiseConv2dNative(x, kernel, strides, "SAME")
                        : matMul
                                ? PointwiseMatMul.of(tf, "Conv2D", x, kernel)
                                : tf.withName("Conv2D").nn.conv2d(x, kernel, strides, "SAME");
        Operand<TFloat32> biased = tf.withName("BiasAdd").nn.biasAdd(conv, bias);
        if (rq == null) {
            return relu6 ? tf.withName("Relu6").nn.relu6(biased) : biased;
        }
        if (integer) {
            biased = toSteps(tf, biased, rq, relu6);
        }
        return relu6 ? requantizeRelu6(tf, biased, rq) : requantizeLinear(tf, biased, rq);
    }

    /**
     * The output stage of an integer kernel with a fused ReLU6 (see {@link Requantization}): the
     * layer computes output steps plus the rounding offset; ReLU (fused into the convolution),
     * round down and clamp at the top of the grid give the output steps. The real activation, the
     * steps times the scale, hangs beside them as {@code Relu6}.
     */
    private static Operand<TFloat32> requantizeRelu6(
            Ops tf, Operand<TFloat32> steps, Requantization rq) {
        Operand<TFloat32> rounded = tf.math.floor(tf.withName("Relu").nn.relu(steps));
        Operand<TFloat32> clamped =
                tf.withName("steps").math.minimum(rounded, tf.constant((float) rq.max()));
        tf.withName("Relu6").math.mul(clamped, tf.constant(rq.scale()));
        return clamped;
    }

    /** The same without activation, for the logits: values may be negative, rounded away from 0. */
    private static Operand<TFloat32> requantizeLinear(
            Ops tf, Operand<TFloat32> steps, Requantization rq) {
        Operand<TFloat32> offsets = tf.constant(rq.roundingOffsets());
        Operand<TFloat32> magnitude = tf.math.floor(tf.math.add(tf.math.abs(steps), offsets));
        Operand<TFloat32> rounded = tf.math.mul(tf.math.sign(steps), magnitude);
        Operand<TFloat32> clamped =
                tf.clipByValue(
                        rounded, tf.constant((float) rq.min()), tf.constant((float) rq.max()));
        return tf.withName("requantized").math.mul(clamped, tf.constant(rq.scale()));
    }

    /**
     * An integer accumulator scaled to output steps; for ReLU6 layers with the rounding offset
     * added (after the product: in the bias, it would make the sums inexact). The accumulator,
     * integer weights times input steps plus an integer bias, is exact in float32 while its sums
     * stay below 2^24 ({@code IntegerAccumulatorTest}), so whatever order a kernel sums in (oneDNN
     * picks its kernels by batch size) a frame gets the same answer in any batch.
     */
    private static Operand<TFloat32> toSteps(
            Ops tf, Operand<TFloat32> accumulator, Requantization rq, boolean relu6) {
        Operand<TFloat32> steps =
                tf.withName("to_steps").math.mul(accumulator, tf.constant(rq.multipliers()));
        return relu6
                ? tf.withName("rounding_offset").math.add(steps, tf.constant(rq.roundingOffsets()))
                : steps;
    }

    /** The bias in output steps; for ReLU6 layers with the rounding offset folded in. */
    private static float[] stepBias(float[] bias, Requantization rq, boolean relu6) {
        float[] steps = new float[bias.length];
        for (int c = 0; c < bias.length; c++) {
            steps[c] = bias[c] / rq.scale() + (relu6 ? rq.roundingOffset(c) : 0f);
        }
        return steps;
    }

    private static float[] scaled(float[] values, float factor) {
        float[] scaled = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            scaled[i] = values[i] * factor;
        }
        return scaled;
    }

    /**
     * Real values on a grid of {@code unit} as whole steps (exact: the rounding only removes
     * float32's error in the division).
     */
    private static Operand<TFloat32> steps(Ops tf, String name, Operand<TFloat32> x, float unit) {
        Operand<TFloat32> real = tf.withName(name + "_real").math.div(x, tf.constant(unit));
        return tf.withName(name).math.round(real);
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
