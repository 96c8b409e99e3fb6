package io.ocellus.models.detection;

import io.ocellus.models.MalformedModelException;
import io.ocellus.models.ModelNotFoundException;
import io.ocellus.models.io.ModelSignature;
import io.ocellus.models.weights.Requantization;
import io.ocellus.models.weights.TensorDequantizer;
import io.ocellus.models.weights.internal.TfliteSchema;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Stack;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.op.quantization.FakeQuantWithMinMaxArgs;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Writes a TensorFlow Lite SSD detector (Google's SSD-MobileNet v1 COCO file and others built the
 * same way) into a TensorFlow graph, operator by operator in the file's order, up to the inputs of
 * its {@code TFLite_Detection_PostProcess}.
 *
 * <p>Operators: {@code CONV_2D} and {@code DEPTHWISE_CONV_2D} (kernels dequantized and transposed
 * to TensorFlow's layout, fused ReLU6), {@code RESHAPE} (the batch dimension left open), {@code
 * CONCATENATION} and {@code LOGISTIC}. Any other operator is refused by name.
 *
 * <p>With {@code emulateQuantization} the float graph repeats the integer interpreter: each
 * convolution takes its input in 8-bit steps with the integer kernel (so float32 sums the int32
 * accumulator exactly), adds the integer bias, multiplies by the requantization multiplier once,
 * rounds as the fixed-point kernels round (see {@link Requantization}) and clamps; concatenation
 * and the logistic round to their output grids ({@code FakeQuantWithMinMaxArgs}). On Google's COCO
 * detector, 139 of the interpreter's 140 detections on 14 test images come out bit for bit. Without
 * it, the same layers run in real values (float activations).
 *
 * <p>The post-processing becomes: box decoding (centre-size against the file's anchors, with its
 * y/x/h/w scales) and each anchor's best non-background class and score, in the graph; {@link
 * FastNms} then picks the boxes on the host. The feature extractor's layers are fetchable by
 * TF-slim name ({@code Conv2d_11_pointwise}, {@code Conv2d_13_pointwise}, ...). Stateless.
 */
public final class SsdGraphBuilder {
    /** The input placeholder, {@code [batch, resolution, resolution, 3]}. */
    public static final String INPUT = "normalized_input_image_tensor";

    public static final String BOXES = "detection/boxes";
    public static final String SCORES = "detection/scores";
    public static final String CLASSES = "detection/classes";

    private static final Pattern BODY_LAYER =
            Pattern.compile("MobilenetV1/(Conv2d_(?:\\d+_(?:depthwise|pointwise)|0))/");

    private SsdGraphBuilder() {}

    /**
     * Whether the file is a TensorFlow Lite model ending in {@code TFLite_Detection_PostProcess}.
     */
    public static boolean isDetector(Path file) {
        try {
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
            if (!TfliteSchema.hasIdentifier(bytes)) {
                return false;
            }
            TfliteSchema.Model model = TfliteSchema.Model.root(bytes);
            for (int i = 0; i < model.operatorCodesLength(); i++) {
                if (PostProcessOptions.OPERATOR.equals(model.operatorCode(i).customCode())) {
                    return true;
                }
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false; // the loader reports what is wrong with the file
        }
    }

    /**
     * Builds the detector in {@code tf}'s graph.
     *
     * @param labels lines in the label file (0 when none), to tell whether it starts with the
     *     background
     * @throws ModelNotFoundException when the file does not exist
     * @throws MalformedModelException when it is not a detector this builder understands (the
     *     message names the operator or tensor)
     */
    public static ModelSignature build(Ops tf, Path file, boolean emulateQuantization, int labels)
            throws ModelNotFoundException, MalformedModelException {
        if (!Files.isRegularFile(file)) {
            throw new ModelNotFoundException("no TensorFlow Lite file at " + file);
        }
        ByteBuffer bytes;
        try {
            bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new MalformedModelException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (!TfliteSchema.hasIdentifier(bytes)) {
            throw new MalformedModelException(
                    file + ": not a TensorFlow Lite flatbuffer (no TFL3 identifier)");
        }
        try {
            return new Translation(tf, file, TfliteSchema.Model.root(bytes), emulateQuantization)
                    .run(labels);
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new MalformedModelException(
                    file + ": cannot build the detector: " + e.getMessage(), e);
        }
    }

    /**
     * A tensor in the graph: {@code unit} is the real value of one unit of {@code x}. Emulated
     * layers pass on output steps (units of the output's 8-bit scale, relative to its zero point),
     * so that a layer's scales fold into the next one's kernel, as in the classifiers.
     */
    private record Value(Operand<TFloat32> x, float unit) {
        Operand<TFloat32> real(Ops tf) {
            return unit == 1f ? x : tf.math.mul(x, tf.constant(unit));
        }
    }

    /** One pass over the file's operators. */
    private static final class Translation {
        private final Ops tf;
        private final Path file;
        private final TfliteSchema.Model model;
        private final TfliteSchema.SubGraph graph;
        private final boolean emulate;
        private final Map<Integer, Value> values = new HashMap<>();
        private final Map<String, String> features = new LinkedHashMap<>();
        private int embeddingChannels;
        private long macs;

        Translation(Ops tf, Path file, TfliteSchema.Model model, boolean emulate)
                throws MalformedModelException {
            if (model.subgraphsLength() != 1) {
                throw new MalformedModelException(
                        file + ": expected 1 subgraph, found " + model.subgraphsLength());
            }
            this.tf = tf;
            this.file = file;
            this.model = model;
            this.graph = model.subgraph(0);
            this.emulate = emulate;
        }

        ModelSignature run(int labels) throws MalformedModelException {
            TfliteSchema.Tensor inputTensor = graph.tensor(graph.inputs()[0]);
            int[] shape = inputTensor.shape();
            if (shape.length != 4 || shape[1] != shape[2] || shape[3] != 3) {
                throw MalformedModelException.shapeMismatch(
                        file.toString(), inputTensor.name(), new int[] {1, -1, -1, 3}, shape);
            }
            int resolution = shape[1];
            float[] range = TensorDequantizer.range(inputTensor);
            float low = range == null ? -1f : range[0];
            float high = range == null ? 1f : range[1];
            Operand<TFloat32> input =
                    tf.withName(INPUT)
                            .placeholder(
                                    TFloat32.class,
                                    Placeholder.shape(Shape.of(-1, resolution, resolution, 3)));
            values.put(
                    graph.inputs()[0], new Value(quantized(input, inputTensor, "input_quant"), 1f));
            DetectionHead head = null;
            for (int i = 0; i < graph.operatorsLength(); i++) {
                TfliteSchema.Operator op = graph.operator(i);
                TfliteSchema.OperatorCode code = model.operatorCode(op.opcodeIndex());
                switch (code.builtinCode()) {
                    case TfliteSchema.OP_CONV_2D, TfliteSchema.OP_DEPTHWISE_CONV_2D ->
                            convolution(op, code.builtinCode());
                    case TfliteSchema.OP_RESHAPE -> reshape(op);
                    case TfliteSchema.OP_CONCATENATION -> concatenation(op);
                    case TfliteSchema.OP_LOGISTIC -> logistic(op);
                    case TfliteSchema.OP_CUSTOM -> head = postProcess(op, code, labels);
                    default ->
                            throw new MalformedModelException(
                                    String.format(
                                            "%s: operator %d (builtin code %d) is not supported"
                                                    + " in a detector; supported: convolutions,"
                                                    + " reshape, concatenation, logistic and %s",
                                            file,
                                            i,
                                            code.builtinCode(),
                                            PostProcessOptions.OPERATOR));
                }
            }
            if (head == null) {
                throw new MalformedModelException(
                        file + ": no " + PostProcessOptions.OPERATOR + " operator");
            }
            String name = file.getFileName().toString().replaceFirst("\\.tflite$", "");
            return new ModelSignature(
                    name,
                    embeddingChannels / 1024.0,
                    resolution,
                    INPUT,
                    emulate ? low : -1f,
                    emulate ? high : 1f,
                    null,
                    null,
                    null,
                    features,
                    0,
                    0,
                    head);
        }

        private void convolution(TfliteSchema.Operator op, int code)
                throws MalformedModelException {
            int[] inputs = op.inputs();
            TfliteSchema.Tensor kernelTensor = graph.tensor(inputs[1]);
            TfliteSchema.Tensor output = graph.tensor(op.outputs()[0]);
            TfliteSchema.Options options = op.builtinOptions();
            boolean depthwise = code == TfliteSchema.OP_DEPTHWISE_CONV_2D;
            int padding = options == null ? 0 : options.byteField(0, 0);
            int strideW = options == null ? 1 : options.intField(1, 1);
            int strideH = options == null ? 1 : options.intField(2, 1);
            int activation = options == null ? 0 : options.byteField(depthwise ? 4 : 3, 0);
            int dilationW = options == null ? 1 : options.intField(depthwise ? 5 : 4, 1);
            int dilationH = options == null ? 1 : options.intField(depthwise ? 6 : 5, 1);
            if (dilationW != 1 || dilationH != 1) {
                throw new MalformedModelException(
                        file + ": dilated convolution " + kernelTensor.name() + " not supported");
            }
            int[] shape = kernelTensor.shape();
            if (shape.length != 4) {
                throw MalformedModelException.shapeMismatch(
                        file.toString(), kernelTensor.name(), new int[] {-1, -1, -1, -1}, shape);
            }
            int inChannels = (int) channels(inputs[0]);
            if (depthwise && (shape[0] != 1 || shape[3] != inChannels)) {
                throw MalformedModelException.shapeMismatch(
                        file.toString(),
                        kernelTensor.name(),
                        new int[] {1, shape[1], shape[2], inChannels},
                        shape);
            }
            if (!depthwise && shape[3] != inChannels) {
                throw MalformedModelException.shapeMismatch(
                        file.toString(),
                        kernelTensor.name(),
                        new int[] {shape[0], shape[1], shape[2], inChannels},
                        shape);
            }
            float[] kernel = TensorDequantizer.dequantize(file, model, kernelTensor);
            float[] bias =
                    inputs.length > 2 && inputs[2] >= 0
                            ? TensorDequantizer.dequantize(file, model, graph.tensor(inputs[2]))
                            : new float[depthwise ? shape[3] : shape[0]];
            int[] outShape = output.shape();
            long positions = outShape.length == 4 ? (long) outShape[1] * outShape[2] : 0;
            macs +=
                    depthwise
                            ? positions * shape[1] * shape[2] * shape[3]
                            : positions * shape[0] * shape[1] * shape[2] * shape[3];
            String scope = scope(output.name());
            Ops layer = tf.withSubScope(scope);
            List<Long> strides = List.of(1L, (long) strideH, (long) strideW, 1L);
            String pad = padding == TfliteSchema.PADDING_VALID ? "VALID" : "SAME";
            if (activation != TfliteSchema.ACTIVATION_NONE
                    && activation != TfliteSchema.ACTIVATION_RELU6) {
                throw new MalformedModelException(
                        file
                                + ": fused activation "
                                + activation
                                + " of "
                                + output.name()
                                + " not supported");
            }
            boolean relu6 = activation == TfliteSchema.ACTIVATION_RELU6;
            Requantization rq =
                    emulate
                            ? TensorDequantizer.requantization(
                                    graph.tensor(inputs[0]), kernelTensor, output, relu6)
                            : null;
            // Quantized files often leave out the fused ReLU6: the output's 8-bit range, [0, 6]
            // for zero point 0, clamps instead. A range that starts at 0 takes the cheaper
            // rounding of non-negative values.
            boolean nonNegative = relu6 || (rq != null && rq.min() == 0);
            Value in = values.get(inputs[0]);
            int outChannels = depthwise ? shape[3] : shape[0];
            float[] multipliers = null;
            float[] offsets = null;
            Operand<TFloat32> x = in.unit() == 1f ? in.x() : in.real(layer);
            if (rq != null) {
                // Integer arithmetic in float: input steps, integer kernel and integer bias give
                // the int32 accumulator exactly; one multiply per output channel turns it into
                // output steps (one float32 rounding, as few as can be), then the rounding offset
                // (floor(relu(a + o)) equals floor(relu(a) + o) for o in [0.5, 1)).
                float inScale = graph.tensor(inputs[0]).quantization().scale()[0];
                float[] weightScales = kernelTensor.quantization().scale();
                multipliers = new float[outChannels];
                offsets = new float[outChannels];
                int perChannel = kernel.length / outChannels;
                for (int i = 0; i < kernel.length; i++) {
                    int c = depthwise ? i % outChannels : i / perChannel;
                    kernel[i] =
                            Math.round(kernel[i] / weightScales[weightScales.length == 1 ? 0 : c]);
                }
                for (int c = 0; c < outChannels; c++) {
                    float weightScale = weightScales[weightScales.length == 1 ? 0 : c];
                    multipliers[c] = inScale * weightScale / rq.scale();
                    bias[c] = Math.round(bias[c] / ((double) inScale * weightScale));
                    offsets[c] = nonNegative ? rq.roundingOffset(c) : 0f;
                }
                x =
                        in.unit() == inScale
                                ? in.x()
                                : layer.withName("input_steps")
                                        .math
                                        .round(
                                                layer.math.mul(
                                                        in.real(layer),
                                                        layer.constant(1f / inScale)));
            }
            Operand<TFloat32> conv;
            if (depthwise) {
                // [1, kh, kw, c] and [kh, kw, c, 1] share one memory order.
                Operand<TFloat32> weights =
                        constant(layer, "weights", kernel, shape[1], shape[2], shape[3], 1);
                conv = layer.nn.depthwiseConv2dNative(x, weights, strides, pad);
            } else {
                Operand<TFloat32> weights =
                        constant(
                                layer,
                                "weights",
                                outFirstToOutLast(kernel, shape[0]),
                                shape[1],
                                shape[2],
                                shape[3],
                                shape[0]);
                conv = layer.nn.conv2d(x, weights, strides, pad);
            }
            Operand<TFloat32> y =
                    layer.nn.biasAdd(conv, constant(layer, "biases", bias, bias.length));
            if (multipliers != null) {
                y = layer.math.mul(y, constant(layer, "multipliers", multipliers, outChannels));
                if (nonNegative) {
                    y = layer.math.add(y, constant(layer, "offsets", offsets, outChannels));
                }
            }
            Value result;
            if (rq == null) {
                y = relu6 ? layer.withName("Relu6").nn.relu6(y) : y;
                float[] range = TensorDequantizer.range(output);
                if (range != null) { // where the integer kernel saturates
                    y =
                            layer.withName("saturated")
                                    .clipByValue(
                                            y, layer.constant(range[0]), layer.constant(range[1]));
                }
                result = new Value(y, 1f);
            } else if (nonNegative) {
                Operand<TFloat32> steps =
                        layer.withName("steps")
                                .math
                                .minimum(
                                        layer.math.floor(layer.nn.relu(y)),
                                        layer.constant((float) rq.max()));
                result = new Value(steps, rq.scale());
            } else {
                result = new Value(requantizeLinear(layer, y, rq), rq.scale());
            }
            values.put(op.outputs()[0], result);
            Matcher body = BODY_LAYER.matcher(output.name());
            if (body.find() && output.name().startsWith("FeatureExtractor/")) {
                // Real activations beside the steps, computed only when fetched.
                Operand<TFloat32> real =
                        result.unit() == 1f
                                ? result.x()
                                : layer.withName("Relu6_real")
                                        .math
                                        .mul(result.x(), layer.constant(result.unit()));
                features.put(body.group(1), real.op().name());
                if ("Conv2d_13_pointwise".equals(body.group(1))) {
                    embeddingChannels = (int) channels(op.outputs()[0]);
                }
            }
        }

        /**
         * The output stage of an integer kernel without activation, on output steps: rounded half
         * away from zero with the kernel's threshold (see {@link Requantization}), clamped to the
         * 8-bit range.
         */
        private Operand<TFloat32> requantizeLinear(
                Ops tf, Operand<TFloat32> steps, Requantization rq) {
            Operand<TFloat32> offsets = tf.constant(rq.roundingOffsets());
            Operand<TFloat32> rounded =
                    tf.math.mul(
                            tf.math.sign(steps),
                            tf.math.floor(tf.math.add(tf.math.abs(steps), offsets)));
            return tf.withName("requantized")
                    .clipByValue(
                            rounded, tf.constant((float) rq.min()), tf.constant((float) rq.max()));
        }

        private void reshape(TfliteSchema.Operator op) {
            int[] shape = graph.tensor(op.outputs()[0]).shape();
            long[] dims = new long[shape.length];
            for (int d = 0; d < shape.length; d++) {
                dims[d] = d == 0 ? -1 : shape[d]; // the batch stays open
            }
            Value in = values.get(op.inputs()[0]);
            values.put(
                    op.outputs()[0],
                    new Value(
                            tf.withSubScope(scope(graph.tensor(op.outputs()[0]).name()))
                                    .reshape(in.x(), tf.constant(dims)),
                            in.unit()));
        }

        private void concatenation(TfliteSchema.Operator op) throws MalformedModelException {
            TfliteSchema.Options options = op.builtinOptions();
            int axis = options == null ? 0 : options.intField(0, 0);
            if (options != null && options.byteField(1, 0) != TfliteSchema.ACTIVATION_NONE) {
                throw new MalformedModelException(
                        file + ": concatenation with a fused activation not supported");
            }
            List<Operand<TFloat32>> parts = new ArrayList<>();
            for (int input : op.inputs()) {
                parts.add(values.get(input).real(tf));
            }
            TfliteSchema.Tensor output = graph.tensor(op.outputs()[0]);
            Operand<TFloat32> joined = tf.concat(parts, tf.constant(axis));
            // The integer kernel requantizes every part to the output's grid.
            values.put(
                    op.outputs()[0],
                    new Value(quantized(joined, output, scope(output.name()) + "/quant"), 1f));
        }

        private void logistic(TfliteSchema.Operator op) {
            TfliteSchema.Tensor output = graph.tensor(op.outputs()[0]);
            Operand<TFloat32> y = tf.math.sigmoid(values.get(op.inputs()[0]).real(tf));
            values.put(
                    op.outputs()[0],
                    new Value(quantized(y, output, scope(output.name()) + "/quant"), 1f));
        }

        private DetectionHead postProcess(
                TfliteSchema.Operator op, TfliteSchema.OperatorCode code, int labels)
                throws MalformedModelException {
            if (!PostProcessOptions.OPERATOR.equals(code.customCode())) {
                throw new MalformedModelException(
                        file + ": custom operator '" + code.customCode() + "' not supported");
            }
            PostProcessOptions options =
                    PostProcessOptions.read(op.customOptions(), file.toString());
            int[] inputs = op.inputs();
            TfliteSchema.Tensor encodingsTensor = graph.tensor(inputs[0]);
            TfliteSchema.Tensor classesTensor = graph.tensor(inputs[1]);
            TfliteSchema.Tensor anchorsTensor = graph.tensor(inputs[2]);
            int[] anchorShape = anchorsTensor.shape();
            int anchors = anchorShape.length == 2 ? anchorShape[0] : -1;
            if (anchors < 1 || anchorShape[1] != 4) {
                throw MalformedModelException.shapeMismatch(
                        file.toString(), anchorsTensor.name(), new int[] {-1, 4}, anchorShape);
            }
            int[] encodingShape = encodingsTensor.shape();
            if (!Arrays.equals(encodingShape, new int[] {1, anchors, 4})) {
                throw MalformedModelException.shapeMismatch(
                        file.toString(),
                        encodingsTensor.name(),
                        new int[] {1, anchors, 4},
                        encodingShape);
            }
            int[] classShape = classesTensor.shape();
            int withBackground = classShape.length == 3 ? classShape[2] : -1;
            if (classShape.length != 3
                    || classShape[1] != anchors
                    || withBackground < options.numClasses()) {
                throw MalformedModelException.shapeMismatch(
                        file.toString(),
                        classesTensor.name(),
                        new int[] {1, anchors, options.numClasses() + 1},
                        classShape);
            }
            float[] anchorValues = TensorDequantizer.dequantize(file, model, anchorsTensor);
            Ops decode = tf.withSubScope("detection");
            decodeBoxes(decode, values.get(inputs[0]).real(tf), anchorValues, anchors, options);
            int labelOffset = withBackground - options.numClasses();
            Operand<TFloat32> classScores =
                    decode.slice(
                            values.get(inputs[1]).real(tf),
                            tf.constant(new int[] {0, 0, labelOffset}),
                            tf.constant(new int[] {-1, -1, options.numClasses()}));
            Operand<TInt32> last = tf.constant(-1);
            decode.withName("scores").max(classScores, last);
            decode.withName("classes").math.argMax(classScores, last, TInt32.class);
            int fileLabelOffset = labels == 0 || labels == options.numClasses() ? 0 : labelOffset;
            return new DetectionHead(
                    BOXES, SCORES, CLASSES, anchors, fileLabelOffset, options, macs);
        }

        /** Centre-size decoding, as the post-processing operator does it before suppression. */
        private void decodeBoxes(
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
            Operand<TFloat32> anchorY = constant(tf, "anchor_y", columns[0], anchors);
            Operand<TFloat32> anchorX = constant(tf, "anchor_x", columns[1], anchors);
            Operand<TFloat32> anchorH = constant(tf, "anchor_h", columns[2], anchors);
            Operand<TFloat32> anchorW = constant(tf, "anchor_w", columns[3], anchors);
            List<Operand<TFloat32>> parts =
                    tf.unstack(encodings, 4L, Unstack.axis(-1L)).output().stream()
                            .map(o -> (Operand<TFloat32>) o)
                            .toList();
            Operand<TFloat32> centreY =
                    tf.math.add(
                            tf.math.mul(
                                    tf.math.div(parts.get(0), tf.constant(options.yScale())),
                                    anchorH),
                            anchorY);
            Operand<TFloat32> centreX =
                    tf.math.add(
                            tf.math.mul(
                                    tf.math.div(parts.get(1), tf.constant(options.xScale())),
                                    anchorW),
                            anchorX);
            Operand<TFloat32> half = tf.constant(0.5f);
            Operand<TFloat32> halfH =
                    tf.math.mul(
                            half,
                            tf.math.mul(
                                    tf.math.exp(
                                            tf.math.div(
                                                    parts.get(2), tf.constant(options.hScale()))),
                                    anchorH));
            Operand<TFloat32> halfW =
                    tf.math.mul(
                            half,
                            tf.math.mul(
                                    tf.math.exp(
                                            tf.math.div(
                                                    parts.get(3), tf.constant(options.wScale()))),
                                    anchorW));
            tf.withName("boxes")
                    .stack(
                            List.of(
                                    tf.math.sub(centreY, halfH),
                                    tf.math.sub(centreX, halfW),
                                    tf.math.add(centreY, halfH),
                                    tf.math.add(centreX, halfW)),
                            Stack.axis(-1L));
        }

        /** {@code x} rounded to the tensor's 8-bit grid, when emulating and it has one. */
        private Operand<TFloat32> quantized(
                Operand<TFloat32> x, TfliteSchema.Tensor tensor, String name) {
            float[] range = emulate ? TensorDequantizer.range(tensor) : null;
            if (range == null) {
                return x;
            }
            return tf.withName(sanitize(name))
                    .quantization
                    .fakeQuantWithMinMaxArgs(
                            x,
                            FakeQuantWithMinMaxArgs.min(range[0]),
                            FakeQuantWithMinMaxArgs.max(range[1]),
                            FakeQuantWithMinMaxArgs.numBits(8L));
        }

        private long channels(int tensor) {
            int[] shape = graph.tensor(tensor).shape();
            return shape[shape.length - 1];
        }

        /** A scope for an operator's ops from its output tensor's name. */
        private String scope(String tensorName) {
            String name = tensorName.split(";", 2)[0];
            int slash = name.lastIndexOf('/');
            return sanitize(slash > 0 ? name.substring(0, slash) : name);
        }
    }

    private static String sanitize(String name) {
        String cleaned = name.replaceAll("[^A-Za-z0-9_.-]", "_");
        return cleaned.isEmpty() || !Character.isLetterOrDigit(cleaned.charAt(0))
                ? "op_" + cleaned
                : cleaned;
    }

    private static Operand<TFloat32> constant(Ops tf, String name, float[] values, long... shape) {
        return tf.withName(name).constant(Shape.of(shape), DataBuffers.of(values, true, false));
    }

    private static float[] scaled(float[] values, float factor) {
        float[] scaled = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            scaled[i] = values[i] * factor;
        }
        return scaled;
    }

    /** {@code [out, kh, kw, in]} to {@code [kh, kw, in, out]}. */
    private static float[] outFirstToOutLast(float[] kernel, int out) {
        int inner = kernel.length / out;
        float[] transposed = new float[kernel.length];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < inner; i++) {
                transposed[i * out + o] = kernel[o * inner + i];
            }
        }
        return transposed;
    }
}
