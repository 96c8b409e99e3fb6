package io.ocellus.models.detection;

import io.ocellus.models.MalformedModelException;
import io.ocellus.models.inference.EvenChannels;
import io.ocellus.models.io.ModelSignature;
import io.ocellus.models.weights.TensorDequantizer;
import io.ocellus.models.weights.internal.TfliteSchema;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.quantization.FakeQuantWithMinMaxArgs;
import org.tensorflow.types.TFloat32;

/** One pass over an SSD file's operators, in order, writing each as TensorFlow ops. */
final class SsdTranslation {
    private static final Pattern BODY_LAYER =
            Pattern.compile("MobilenetV1/(Conv2d_(?:\\d+_(?:depthwise|pointwise)|0))/");

    private final Ops tf;
    private final Path file;
    private final TfliteSchema.Model model;
    private final TfliteSchema.SubGraph graph;
    private final boolean emulate;
    private final boolean bf16;
    private final Map<Integer, TensorValue> values = new HashMap<>();
    private final Map<String, String> features = new LinkedHashMap<>();

    /** Without emulation: the logits under each logistic's output, for scoring before it. */
    private final Map<Integer, Operand<TFloat32>> logits = new HashMap<>();

    private int embeddingChannels;
    private long macs;

    SsdTranslation(Ops tf, Path file, TfliteSchema.Model model, boolean emulate, boolean bf16)
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
        this.bf16 = bf16;
    }

    /** Translates every operator; returns the signature of the graph written. */
    ModelSignature run(int labels) throws MalformedModelException {
        TfliteSchema.Tensor inputTensor = graph.tensor(graph.inputs()[0]);
        int[] shape = inputTensor.shape();
        if (shape.length != 4 || shape[1] != shape[2] || shape[3] != 3) {
            throw MalformedModelException.shapeMismatch(
                    file.toString(), inputTensor.name(), new int[] {1, -1, -1, 3}, shape);
        }
        int resolution = shape[1];
        Operand<TFloat32> input =
                tf.withName(SsdGraphBuilder.INPUT)
                        .placeholder(
                                TFloat32.class,
                                Placeholder.shape(
                                        Shape.of(
                                                -1,
                                                resolution,
                                                resolution,
                                                EvenChannels.needed(bf16, 3) ? 4 : 3)));
        values.put(
                graph.inputs()[0],
                new TensorValue(quantized(input, inputTensor, "input_quant"), 1f));
        DetectionHead head = null;
        for (int i = 0; i < graph.operatorsLength(); i++) {
            DetectionHead found = translate(i, labels);
            head = found != null ? found : head;
        }
        if (head == null) {
            throw new MalformedModelException(
                    file + ": no " + PostProcessOptions.OPERATOR + " operator");
        }
        float[] range = emulate ? TensorDequantizer.range(inputTensor) : null;
        return new ModelSignature(
                file.getFileName().toString().replaceFirst("\\.tflite$", ""),
                embeddingChannels / 1024.0,
                resolution,
                SsdGraphBuilder.INPUT,
                range == null ? -1f : range[0],
                range == null ? 1f : range[1],
                null,
                null,
                null,
                features,
                0,
                0,
                head);
    }

    /** Operator {@code i}; the head when it is the post-processing. */
    private DetectionHead translate(int i, int labels) throws MalformedModelException {
        TfliteSchema.Operator op = graph.operator(i);
        TfliteSchema.OperatorCode code = model.operatorCode(op.opcodeIndex());
        switch (code.builtinCode()) {
            case TfliteSchema.OP_CONV_2D -> convolution(op, false);
            case TfliteSchema.OP_DEPTHWISE_CONV_2D -> convolution(op, true);
            case TfliteSchema.OP_RESHAPE -> reshape(op);
            case TfliteSchema.OP_CONCATENATION -> concatenation(op);
            case TfliteSchema.OP_LOGISTIC -> logistic(op);
            case TfliteSchema.OP_CUSTOM -> {
                if (!PostProcessOptions.OPERATOR.equals(code.customCode())) {
                    throw new MalformedModelException(
                            file + ": custom operator '" + code.customCode() + "' not supported");
                }
                return BoxDecoding.build(
                        tf,
                        file,
                        model,
                        graph,
                        op,
                        values.get(op.inputs()[0]).real(tf),
                        values.get(op.inputs()[1]).real(tf),
                        logits.get(op.inputs()[1]),
                        labels,
                        macs);
            }
            default ->
                    throw new MalformedModelException(
                            String.format(
                                    "%s: operator %d (builtin code %d) is not supported in a"
                                            + " detector; supported: convolutions, reshape,"
                                            + " concatenation, logistic and %s",
                                    file, i, code.builtinCode(), PostProcessOptions.OPERATOR));
        }
        return null;
    }

    private void convolution(TfliteSchema.Operator op, boolean depthwise)
            throws MalformedModelException {
        ConvolutionLayer layer = ConvolutionLayer.read(file, model, graph, op, depthwise);
        macs += layer.macs();
        Ops scope = tf.withSubScope(scope(layer.outputName()));
        TensorValue result = layer.build(scope, values.get(op.inputs()[0]), emulate, bf16);
        values.put(op.outputs()[0], result);
        Matcher body = BODY_LAYER.matcher(layer.outputName());
        if (body.find() && layer.outputName().startsWith("FeatureExtractor/")) {
            // Real activations beside the steps, computed only when fetched.
            Operand<TFloat32> real =
                    result.unit() == 1f
                            ? result.x()
                            : scope.withName("Relu6_real")
                                    .math
                                    .mul(result.x(), scope.constant(result.unit()));
            features.put(body.group(1), real.op().name());
            if ("Conv2d_13_pointwise".equals(body.group(1))) {
                embeddingChannels = layer.outChannels();
            }
        }
    }

    private void reshape(TfliteSchema.Operator op) {
        int[] shape = graph.tensor(op.outputs()[0]).shape();
        long[] dims = new long[shape.length];
        for (int d = 0; d < shape.length; d++) {
            dims[d] = d == 0 ? -1 : shape[d]; // the batch stays open
        }
        TensorValue in = values.get(op.inputs()[0]);
        values.put(
                op.outputs()[0],
                new TensorValue(
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
                new TensorValue(quantized(joined, output, scope(output.name()) + "/quant"), 1f));
    }

    private void logistic(TfliteSchema.Operator op) {
        TfliteSchema.Tensor output = graph.tensor(op.outputs()[0]);
        Operand<TFloat32> x = values.get(op.inputs()[0]).real(tf);
        if (!emulate) {
            logits.put(op.outputs()[0], x);
        }
        Operand<TFloat32> y = tf.math.sigmoid(x);
        values.put(
                op.outputs()[0],
                new TensorValue(quantized(y, output, scope(output.name()) + "/quant"), 1f));
    }

    /** {@code x} rounded to the tensor's 8-bit grid, when emulating and it has one. */
    private Operand<TFloat32> quantized(
            Operand<TFloat32> x, TfliteSchema.Tensor tensor, String name) {
        float[] range = emulate ? TensorDequantizer.range(tensor) : null;
        if (range == null) {
            return x;
        }
        return tf.withName(TensorValue.sanitize(name))
                .quantization
                .fakeQuantWithMinMaxArgs(
                        x,
                        FakeQuantWithMinMaxArgs.min(range[0]),
                        FakeQuantWithMinMaxArgs.max(range[1]),
                        FakeQuantWithMinMaxArgs.numBits(8L));
    }

    /** A scope for an operator's ops from its output tensor's name. */
    private static String scope(String tensorName) {
        String name = tensorName.split(";", 2)[0];
        int slash = name.lastIndexOf('/');
        return TensorValue.sanitize(slash > 0 ? name.substring(0, slash) : name);
    }
}
