package io.ocellus.models.weights;

import io.ocellus.models.MalformedModelException;
import io.ocellus.models.ModelNotFoundException;
import io.ocellus.models.mobilenet.Layer;
import io.ocellus.models.mobilenet.LayerKind;
import io.ocellus.models.mobilenet.MobileNetV1Spec;
import io.ocellus.models.weights.internal.TfliteSchema;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Imports MobileNet v1 weights from TensorFlow Lite flatbuffers, float32 or quantized (uint8 or
 * int8, per tensor or per channel).
 *
 * <p>Every {@code CONV_2D} and {@code DEPTHWISE_CONV_2D} operator is matched to a layer by the
 * TF-slim scope in its tensor names ({@code Conv2d_0}, {@code Conv2d_7_depthwise}, {@code
 * Conv2d_1c_1x1}, ...), its kernel and bias are dequantized ({@code real = scale * (q -
 * zeroPoint)}; biases are int32 with zero point 0) and transposed from TensorFlow Lite's {@code
 * [out, kh, kw, in]} to TensorFlow's {@code [kh, kw, in, out]}. Several files may together hold one
 * network, such as the released 1.0_224 body (ending at the pooled embedding) and head (the logits
 * convolution).
 *
 * <p>Width and resolution are read from the files: the width from the channels of {@code
 * Conv2d_13_pointwise}, the resolution from the input tensor of the file that holds the stem.
 * Stateless and thread-safe.
 */
public final class TfliteWeightImporter {
    private static final Pattern SLIM_LAYER =
            Pattern.compile("(Conv2d_(?:\\d+_(?:depthwise|pointwise)|0|1c_1x1))(?=/|$)");

    /** What the files hold: the layers found and the input resolution, if a stem was among them. */
    private record Found(
            Map<String, Raw> layers, int resolution, float[] inputRange, float[] poolRange) {}

    /** A layer's tensors as the file holds them, not yet checked against a spec. */
    private record Raw(
            String file,
            String kernelName,
            int[] kernelShape,
            float[] kernel,
            int[] biasShape,
            float[] bias,
            Requantization requantization) {}

    /**
     * Reads one network from one or more files.
     *
     * @throws ModelNotFoundException when a file does not exist
     * @throws MalformedModelException when a file is not TensorFlow Lite, or its tensors do not
     *     form a MobileNet v1 (the message names the tensor and the expected and actual shapes)
     */
    public MobileNetV1Weights read(List<Path> files)
            throws ModelNotFoundException, MalformedModelException {
        return read(files, null);
    }

    /**
     * Reads one network from one or more files, to be built at {@code resolution} (null: the
     * resolution of the file's input). The kernels do not depend on it.
     *
     * @throws ModelNotFoundException when a file does not exist
     * @throws MalformedModelException as {@link #read(List)}
     */
    public MobileNetV1Weights read(List<Path> files, Integer resolution)
            throws ModelNotFoundException, MalformedModelException {
        if (files.isEmpty()) {
            throw new IllegalArgumentException("no TensorFlow Lite files given");
        }
        Map<String, Raw> layers = new HashMap<>();
        int fileResolution = 0;
        float[] inputRange = null;
        float[] poolRange = null;
        for (Path file : files) {
            Found found = scan(file);
            layers.putAll(found.layers());
            poolRange = found.poolRange() != null ? found.poolRange() : poolRange;
            if (found.resolution() > 0) {
                fileResolution = found.resolution();
                inputRange = found.inputRange();
            }
        }
        String source = files.toString();
        if (fileResolution == 0) {
            throw new MalformedModelException(source + ": no file holds the stem Conv2d_0");
        }
        Raw last = layers.get("Conv2d_13_pointwise");
        if (last == null) {
            throw new MalformedModelException(source + ": no Conv2d_13_pointwise layer");
        }
        int embedding = last.kernelShape()[0];
        Raw logits = layers.get("Conv2d_1c_1x1");
        MobileNetV1Spec spec =
                new MobileNetV1Spec(
                        embedding / 1024.0,
                        resolution != null ? resolution : fileResolution,
                        logits == null ? 0 : logits.kernelShape()[0]);
        Map<String, LayerWeights> weights = new HashMap<>();
        for (Layer layer : spec.layers()) {
            Raw raw = layers.get(layer.name());
            if (raw == null) {
                throw new MalformedModelException(
                        String.format(
                                "%s: no tensors for layer %s of %s",
                                source, layer.name(), spec.id()));
            }
            weights.put(layer.name(), toTensorFlow(layer, raw));
        }
        return MobileNetV1Weights.of(spec, weights, source, inputRange, poolRange);
    }

    private static LayerWeights toTensorFlow(Layer layer, Raw raw) throws MalformedModelException {
        int[] expected =
                layer.kind() == LayerKind.DEPTHWISE
                        ? new int[] {1, layer.kernel(), layer.kernel(), layer.outChannels()}
                        : new int[] {
                            layer.outChannels(), layer.kernel(), layer.kernel(), layer.inChannels()
                        };
        if (!Arrays.equals(expected, raw.kernelShape())) {
            throw MalformedModelException.shapeMismatch(
                    raw.file(), raw.kernelName(), expected, raw.kernelShape());
        }
        int[] biasShape = {layer.outChannels()};
        if (!Arrays.equals(biasShape, raw.biasShape())) {
            throw MalformedModelException.shapeMismatch(
                    raw.file(), raw.kernelName() + " (bias)", biasShape, raw.biasShape());
        }
        float[] kernel =
                layer.kind() == LayerKind.DEPTHWISE
                        ? raw.kernel() // [1, kh, kw, c] and [kh, kw, c, 1] share one memory order
                        : TensorDequantizer.outFirstToOutLast(raw.kernel(), layer.outChannels());
        return new LayerWeights(kernel, raw.bias(), raw.requantization());
    }

    private static Found scan(Path file) throws ModelNotFoundException, MalformedModelException {
        ByteBuffer bytes = readFile(file);
        if (!TfliteSchema.hasIdentifier(bytes)) {
            throw new MalformedModelException(
                    file + ": not a TensorFlow Lite flatbuffer (no TFL3 identifier)");
        }
        try {
            return scan(file, TfliteSchema.Model.root(bytes));
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new MalformedModelException(file + ": corrupt TensorFlow Lite flatbuffer", e);
        }
    }

    private static Found scan(Path file, TfliteSchema.Model model) throws MalformedModelException {
        if (model.subgraphsLength() != 1) {
            throw new MalformedModelException(
                    String.format(
                            "%s: expected 1 subgraph, found %d", file, model.subgraphsLength()));
        }
        TfliteSchema.SubGraph graph = model.subgraph(0);
        Map<String, Raw> layers = new HashMap<>();
        float[] poolRange = null;
        for (int i = 0; i < graph.operatorsLength(); i++) {
            TfliteSchema.Operator op = graph.operator(i);
            int code = model.operatorCode(op.opcodeIndex()).builtinCode();
            if (code == TfliteSchema.OP_AVERAGE_POOL_2D) {
                poolRange = TensorDequantizer.range(graph.tensor(op.outputs()[0]));
            }
            if (code != TfliteSchema.OP_CONV_2D && code != TfliteSchema.OP_DEPTHWISE_CONV_2D) {
                continue;
            }
            String name = slimLayer(graph, op);
            Raw raw = readLayer(file, model, graph, op, name);
            if (layers.put(name, raw) != null) {
                throw new MalformedModelException(file + ": layer " + name + " appears twice");
            }
        }
        int resolution = 0;
        float[] inputRange = null;
        if (layers.containsKey("Conv2d_0")) {
            inputRange = TensorDequantizer.range(graph.tensor(graph.inputs()[0]));
            int[] input = graph.tensor(graph.inputs()[0]).shape();
            if (input.length != 4 || input[1] != input[2] || input[3] != 3) {
                throw MalformedModelException.shapeMismatch(
                        file.toString(),
                        graph.tensor(graph.inputs()[0]).name(),
                        new int[] {1, -1, -1, 3},
                        input);
            }
            resolution = input[1];
        }
        return new Found(layers, resolution, inputRange, poolRange);
    }

    private static String slimLayer(TfliteSchema.SubGraph graph, TfliteSchema.Operator op)
            throws MalformedModelException {
        for (int tensor : new int[] {op.inputs()[1], op.outputs()[0]}) {
            // Converters join fused tensors' names with ';'; the first one names the tensor itself.
            String name = graph.tensor(tensor).name().split(";", 2)[0];
            Matcher matcher = SLIM_LAYER.matcher(name);
            if (matcher.find()) {
                return matcher.group(1);
            }
        }
        throw new MalformedModelException(
                "convolution without a TF-slim MobileNet v1 layer name: "
                        + graph.tensor(op.inputs()[1]).name());
    }

    private static Raw readLayer(
            Path file,
            TfliteSchema.Model model,
            TfliteSchema.SubGraph graph,
            TfliteSchema.Operator op,
            String layer)
            throws MalformedModelException {
        int[] inputs = op.inputs();
        if (inputs.length < 3) {
            throw new MalformedModelException(
                    file + ": convolution without a bias: " + graph.tensor(inputs[1]).name());
        }
        TfliteSchema.Tensor kernel = graph.tensor(inputs[1]);
        TfliteSchema.Tensor bias = graph.tensor(inputs[2]);
        boolean relu6 = !"Conv2d_1c_1x1".equals(layer);
        return new Raw(
                file.toString(),
                kernel.name(),
                kernel.shape(),
                TensorDequantizer.dequantize(file, model, kernel),
                bias.shape(),
                TensorDequantizer.dequantize(file, model, bias),
                TensorDequantizer.requantization(
                        graph.tensor(inputs[0]), kernel, graph.tensor(op.outputs()[0]), relu6));
    }

    private static ByteBuffer readFile(Path file)
            throws ModelNotFoundException, MalformedModelException {
        if (!Files.isRegularFile(file)) {
            throw new ModelNotFoundException("no TensorFlow Lite file at " + file);
        }
        try {
            return ByteBuffer.wrap(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new MalformedModelException(file + ": cannot read: " + e.getMessage(), e);
        }
    }
}
