package io.ocellus.models.detection;

import io.ocellus.models.MalformedModelException;
import io.ocellus.models.inference.EvenChannels;
import io.ocellus.models.inference.PointwiseMatMul;
import io.ocellus.models.weights.Requantization;
import io.ocellus.models.weights.TensorDequantizer;
import io.ocellus.models.weights.internal.TfliteSchema;
import java.nio.file.Path;
import java.util.List;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * One {@code CONV_2D} or {@code DEPTHWISE_CONV_2D} of a TensorFlow Lite file, read and checked, and
 * the TensorFlow ops that compute it: in real values, or, for an 8-bit layer whose integer kernel
 * is emulated, in output steps.
 *
 * <p>The emulation is integer arithmetic in float: input steps, integer kernel and integer bias
 * give the int32 accumulator exactly; one multiply per output channel turns it into output steps
 * (one float32 rounding, as few as can be); the rounding of gemmlowp's fixed-point multiplier (see
 * {@link Requantization}) and the clamp to the output's range follow. Quantized files often leave
 * the fused ReLU6 out, the output's 8-bit range ([0, 6] for zero point 0) clamping instead; a range
 * that starts at 0 takes the cheaper rounding of non-negative values.
 */
final class ConvolutionLayer {
    private final TfliteSchema.Operator op;
    private final TfliteSchema.SubGraph graph;
    private final TfliteSchema.Tensor kernelTensor;
    private final TfliteSchema.Tensor output;
    private final boolean depthwise;
    private final int[] shape;
    private final int[] strides;
    private final String padding;
    private final boolean relu6;
    private final float[] kernel;
    private final float[] bias;

    private ConvolutionLayer(
            TfliteSchema.Operator op,
            TfliteSchema.SubGraph graph,
            boolean depthwise,
            int[] strides,
            String padding,
            boolean relu6,
            float[] kernel,
            float[] bias) {
        this.op = op;
        this.graph = graph;
        this.kernelTensor = graph.tensor(op.inputs()[1]);
        this.output = graph.tensor(op.outputs()[0]);
        this.depthwise = depthwise;
        this.shape = kernelTensor.shape();
        this.strides = strides;
        this.padding = padding;
        this.relu6 = relu6;
        this.kernel = kernel;
        this.bias = bias;
    }

    /**
     * Reads the operator.
     *
     * @throws MalformedModelException naming the tensor whose shape does not fit, or an option
     *     (dilation, an activation other than ReLU6) this translation does not support
     */
    static ConvolutionLayer read(
            Path file,
            TfliteSchema.Model model,
            TfliteSchema.SubGraph graph,
            TfliteSchema.Operator op,
            boolean depthwise)
            throws MalformedModelException {
        int[] inputs = op.inputs();
        TfliteSchema.Tensor kernelTensor = graph.tensor(inputs[1]);
        TfliteSchema.Options options = op.builtinOptions();
        int activation = field(options, depthwise ? 4 : 3, 0);
        int dilationW = options == null ? 1 : options.intField(depthwise ? 5 : 4, 1);
        int dilationH = options == null ? 1 : options.intField(depthwise ? 6 : 5, 1);
        if (dilationW != 1 || dilationH != 1) {
            throw new MalformedModelException(
                    file + ": dilated convolution " + kernelTensor.name() + " not supported");
        }
        if (activation != TfliteSchema.ACTIVATION_NONE
                && activation != TfliteSchema.ACTIVATION_RELU6) {
            throw new MalformedModelException(
                    String.format(
                            "%s: fused activation %d of %s not supported",
                            file, activation, graph.tensor(op.outputs()[0]).name()));
        }
        checkShape(file, graph, op, depthwise);
        int[] shape = kernelTensor.shape();
        float[] bias =
                inputs.length > 2 && inputs[2] >= 0
                        ? TensorDequantizer.dequantize(file, model, graph.tensor(inputs[2]))
                        : new float[depthwise ? shape[3] : shape[0]];
        int strideW = options == null ? 1 : options.intField(1, 1);
        int strideH = options == null ? 1 : options.intField(2, 1);
        return new ConvolutionLayer(
                op,
                graph,
                depthwise,
                new int[] {strideH, strideW},
                field(options, 0, 0) == TfliteSchema.PADDING_VALID ? "VALID" : "SAME",
                activation == TfliteSchema.ACTIVATION_RELU6,
                TensorDequantizer.dequantize(file, model, kernelTensor),
                bias);
    }

    private static int field(TfliteSchema.Options options, int index, int absent) {
        return options == null ? absent : options.byteField(index, absent);
    }

    private static void checkShape(
            Path file, TfliteSchema.SubGraph graph, TfliteSchema.Operator op, boolean depthwise)
            throws MalformedModelException {
        TfliteSchema.Tensor kernelTensor = graph.tensor(op.inputs()[1]);
        int[] shape = kernelTensor.shape();
        if (shape.length != 4) {
            throw MalformedModelException.shapeMismatch(
                    file.toString(), kernelTensor.name(), new int[] {-1, -1, -1, -1}, shape);
        }
        int[] input = graph.tensor(op.inputs()[0]).shape();
        int inChannels = input[input.length - 1];
        int[] expected =
                depthwise
                        ? new int[] {1, shape[1], shape[2], inChannels}
                        : new int[] {shape[0], shape[1], shape[2], inChannels};
        if (!java.util.Arrays.equals(shape, expected)) {
            throw MalformedModelException.shapeMismatch(
                    file.toString(), kernelTensor.name(), expected, shape);
        }
    }

    /** Output channels. */
    int outChannels() {
        return depthwise ? shape[3] : shape[0];
    }

    /** Multiply-adds for one image. */
    long macs() {
        int[] out = output.shape();
        long positions = out.length == 4 ? (long) out[1] * out[2] : 0;
        return depthwise
                ? positions * shape[1] * shape[2] * shape[3]
                : positions * shape[0] * shape[1] * shape[2] * shape[3];
    }

    /** The output's name, for scopes and feature maps. */
    String outputName() {
        return output.name();
    }

    /**
     * Adds the layer's ops to {@code tf} on {@code in}; emulated when asked and 8-bit; with {@code
     * bf16}, over an even number of input channels ({@link EvenChannels}).
     */
    TensorValue build(Ops tf, TensorValue in, boolean emulate, boolean bf16) {
        Requantization rq =
                emulate
                        ? TensorDequantizer.requantization(
                                graph.tensor(op.inputs()[0]), kernelTensor, output, relu6)
                        : null;
        return rq == null ? inReals(tf, in, bf16) : inSteps(tf, in, rq, bf16);
    }

    /** Real values, clamped where the integer kernel saturates. */
    private TensorValue inReals(Ops tf, TensorValue in, boolean bf16) {
        Operand<TFloat32> y =
                tf.nn.biasAdd(
                        convolve(tf, in.real(tf), kernel, bf16),
                        TensorValue.constant(tf, "biases", bias, bias.length));
        float[] range = TensorDequantizer.range(output);
        if (relu6 || (range != null && range[0] == 0f && Math.abs(range[1] - 6f) < 0.05f)) {
            // A ReLU6, fused or a [0, 6] range standing for one (to within one 8-bit step):
            // oneDNN fuses it into the convolution.
            return new TensorValue(tf.withName("Relu6").nn.relu6(y), 1f);
        }
        if (range != null) { // where the integer kernel saturates
            y =
                    tf.withName("saturated")
                            .clipByValue(y, tf.constant(range[0]), tf.constant(range[1]));
        }
        return new TensorValue(y, 1f);
    }

    /** The integer kernel, in output steps. */
    private TensorValue inSteps(Ops tf, TensorValue in, Requantization rq, boolean bf16) {
        int channels = outChannels();
        float inScale = graph.tensor(op.inputs()[0]).quantization().scale()[0];
        float[] weightScales = kernelTensor.quantization().scale();
        boolean nonNegative = relu6 || rq.min() == 0;
        float[] integers = new float[kernel.length];
        int perChannel = kernel.length / channels;
        for (int i = 0; i < kernel.length; i++) {
            int c = depthwise ? i % channels : i / perChannel;
            integers[i] = Math.round(kernel[i] / weightScales[weightScales.length == 1 ? 0 : c]);
        }
        float[] multipliers = new float[channels];
        float[] accumulatorBias = new float[channels];
        float[] offsets = new float[channels];
        for (int c = 0; c < channels; c++) {
            float weightScale = weightScales[weightScales.length == 1 ? 0 : c];
            multipliers[c] = inScale * weightScale / rq.scale();
            accumulatorBias[c] = Math.round(bias[c] / ((double) inScale * weightScale));
            offsets[c] = rq.roundingOffset(c);
        }
        Operand<TFloat32> x =
                in.unit() == inScale
                        ? in.x()
                        : tf.withName("input_steps")
                                .math
                                .round(tf.math.mul(in.real(tf), tf.constant(1f / inScale)));
        Operand<TFloat32> accumulator =
                tf.nn.biasAdd(
                        convolve(tf, x, integers, bf16),
                        TensorValue.constant(tf, "biases", accumulatorBias, channels));
        Operand<TFloat32> steps =
                tf.math.mul(
                        accumulator,
                        TensorValue.constant(tf, "multipliers", multipliers, channels));
        return new TensorValue(
                nonNegative ? roundNonNegative(tf, steps, offsets, rq) : roundSigned(tf, steps, rq),
                rq.scale());
    }

    /**
     * Rounded as the kernel rounds, for a range that starts at 0: floor(relu(a + o)) equals
     * floor(relu(a) + o) for o in [0.5, 1), then the top of the range.
     */
    private static Operand<TFloat32> roundNonNegative(
            Ops tf, Operand<TFloat32> steps, float[] offsets, Requantization rq) {
        Operand<TFloat32> shifted =
                tf.math.add(steps, TensorValue.constant(tf, "offsets", offsets, offsets.length));
        return tf.withName("steps")
                .math
                .minimum(tf.math.floor(tf.nn.relu(shifted)), tf.constant((float) rq.max()));
    }

    /** Rounded half away from zero with the kernel's threshold, clamped to the 8-bit range. */
    private static Operand<TFloat32> roundSigned(
            Ops tf, Operand<TFloat32> steps, Requantization rq) {
        Operand<TFloat32> offsets = tf.constant(rq.roundingOffsets());
        Operand<TFloat32> rounded =
                tf.math.mul(
                        tf.math.sign(steps),
                        tf.math.floor(tf.math.add(tf.math.abs(steps), offsets)));
        return tf.withName("requantized")
                .clipByValue(rounded, tf.constant((float) rq.min()), tf.constant((float) rq.max()));
    }

    private Operand<TFloat32> convolve(Ops tf, Operand<TFloat32> x, float[] values, boolean bf16) {
        List<Long> stride = List.of(1L, (long) strides[0], (long) strides[1], 1L);
        if (depthwise) {
            // [1, kh, kw, c] and [kh, kw, c, 1] share one memory order.
            return tf.nn.depthwiseConv2dNative(
                    x,
                    TensorValue.constant(tf, "weights", values, shape[1], shape[2], shape[3], 1),
                    stride,
                    padding);
        }
        float[] hwio = TensorDequantizer.outFirstToOutLast(values, shape[0]);
        if (PointwiseMatMul.applies(bf16, shape[1], shape[2], strides[0], strides[1])) {
            // 1x1, stride 1: the padding changes nothing; [1, 1, in, out] is [in, out] row by row.
            return PointwiseMatMul.of(
                    tf, "Conv2D", x, TensorValue.constant(tf, "weights", hwio, shape[3], shape[0]));
        }
        int inChannels = shape[3];
        Operand<TFloat32> input = x;
        if (EvenChannels.needed(bf16, inChannels)) {
            hwio = EvenChannels.padKernel(hwio, shape[1] * shape[2], inChannels, shape[0]);
            inChannels++;
            input = EvenChannels.padded(tf, x, shape[3]);
        }
        return tf.nn.conv2d(
                input,
                TensorValue.constant(tf, "weights", hwio, shape[1], shape[2], inChannels, shape[0]),
                stride,
                padding);
    }
}
