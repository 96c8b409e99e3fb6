package io.ocellus.models.mobilenet;

import io.ocellus.models.weights.LayerWeights;
import io.ocellus.models.weights.MobileNetV1Weights;
import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.GraphOperationBuilder;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.TensorProto;
import org.tensorflow.proto.TensorShapeProto;
import org.tensorflow.types.TFloat32;

/**
 * A released 8-bit MobileNet v1 as an integer graph: oneDNN's quantized convolutions (TensorFlow's
 * {@code QuantizedConv2DWithBiasAndReluAndRequantize} and {@code
 * QuantizedDepthwiseConv2DWithBiasAndReluAndRequantize}, which the oneDNN build runs with VNNI or
 * AMX-INT8 dot products).
 *
 * <p>Activations stay uint8 between layers, on the model's own grids (each layer's output range
 * from the file: 0 to its ReLU6 top). Weights are the file's, dequantized and quantized again to
 * symmetric int8 per output channel, as oneDNN takes them (the file's per-tensor uint8 weights with
 * a zero point have no exact int8 form). The first convolution (its input is [-1, 1]), the average
 * pool, the logits and the softmax run in float32. Every body layer's real activation hangs beside
 * the uint8 one under TF-slim's name, computed only when fetched; the embedding, logits and
 * probabilities answer to {@link MobileNetV1GraphBuilder}'s names.
 *
 * <p>Not TensorFlow Lite's arithmetic: about 90-96% of top-1 classes agree with the interpreter's
 * (README: precision).
 */
public final class Int8MobileNetGraphBuilder {
    private static final List<Long> UNIT_STRIDES = List.of(1L, 1L, 1L, 1L);

    private Int8MobileNetGraphBuilder() {}

    /**
     * Builds the network on a new {@link MobileNetV1GraphBuilder#INPUT} placeholder.
     *
     * @throws IllegalArgumentException when the weights are not from an 8-bit model
     */
    public static void build(Ops tf, Graph graph, MobileNetV1Weights weights) {
        if (!weights.isQuantized()) {
            throw new IllegalArgumentException(
                    weights.source() + " is not an 8-bit model: int8 needs its activation grids");
        }
        MobileNetV1Spec spec = weights.spec();
        int resolution = spec.resolution();
        Operand<TFloat32> input =
                tf.withName(MobileNetV1GraphBuilder.INPUT)
                        .placeholder(
                                TFloat32.class,
                                Placeholder.shape(Shape.of(-1, resolution, resolution, 3)));
        Ops root = tf.withSubScope("MobilenetV1");
        Ops body = root.withSubScope("MobilenetV1");
        List<Layer> layers = spec.bodyLayers();
        Quantized x =
                first(
                        body.withSubScope(layers.get(0).name()),
                        graph,
                        input,
                        layers.get(0),
                        weights);
        for (Layer layer : layers.subList(1, layers.size())) {
            x =
                    layer(
                            body.withSubScope(layer.name()),
                            graph,
                            x,
                            layer,
                            weights.layer(layer.name()));
        }
        Ops logits = root.withSubScope("Logits");
        Ops pooling = logits.withSubScope("AvgPool_1a");
        Operand<TFloat32> real = x.dequantized(pooling, graph, "to_real");
        long pool = spec.finalMapSize();
        Operand<TFloat32> embedding =
                pooling.withName("AvgPool")
                        .nn
                        .avgPool(real, List.of(1L, pool, pool, 1L), UNIT_STRIDES, "VALID");
        if (spec.numClasses() > 0) {
            classify(root, logits, embedding, spec.headLayers().get(0), weights);
        }
    }

    /** The logits layer and the softmax, in float32, under TF-slim's names. */
    private static void classify(
            Ops root,
            Ops logits,
            Operand<TFloat32> embedding,
            Layer head,
            MobileNetV1Weights weights) {
        LayerWeights headWeights = weights.layer(head.name());
        Ops headScope = logits.withSubScope(head.name());
        Operand<TFloat32> scores =
                headScope
                        .withName("BiasAdd")
                        .nn
                        .biasAdd(
                                headScope
                                        .withName("Conv2D")
                                        .nn
                                        .conv2d(
                                                embedding,
                                                constant(headScope, head, headWeights.kernel()),
                                                UNIT_STRIDES,
                                                "SAME"),
                                headScope.constant(headWeights.bias()));
        Operand<TFloat32> squeezed =
                logits.withName("SpatialSqueeze").squeeze(scores, Squeeze.axis(1L, 2L));
        Ops predictions = root.withSubScope("Predictions");
        predictions
                .withName("Reshape_1")
                .identity(predictions.withName("Softmax").nn.softmax(squeezed));
    }

    /** A uint8 tensor and the real range its 0 and 255 stand for. */
    private record Quantized(Output<?> values, Output<?> min, Output<?> max) {
        Operand<TFloat32> dequantized(Ops tf, Graph graph, String name) {
            GraphOperation op =
                    graph.opBuilder("Dequantize", tf.scope().makeOpName(name), graph.baseScope())
                            .addInput(values)
                            .addInput(min)
                            .addInput(max)
                            .setAttr("T", DataType.DT_QUINT8)
                            .setAttr("mode", "SCALED")
                            .build();
            return op.output(0);
        }
    }

    /** The first convolution in float32 (its input is [-1, 1]), then onto its uint8 grid. */
    private static Quantized first(
            Ops tf, Graph graph, Operand<TFloat32> input, Layer layer, MobileNetV1Weights weights) {
        LayerWeights w = weights.layer(layer.name());
        Operand<TFloat32> conv =
                tf.withName("Conv2D")
                        .nn
                        .conv2d(
                                input,
                                constant(tf, layer, w.kernel()),
                                List.of(1L, (long) layer.stride(), (long) layer.stride(), 1L),
                                "SAME");
        Operand<TFloat32> relu6 =
                tf.withName("Relu6")
                        .nn
                        .relu6(tf.withName("BiasAdd").nn.biasAdd(conv, tf.constant(w.bias())));
        GraphOperation quantize =
                graph.opBuilder("QuantizeV2", tf.scope().makeOpName("quantized"), graph.baseScope())
                        .addInput(relu6.asOutput())
                        .addInput(tf.constant(0f).asOutput())
                        .addInput(tf.constant(w.requantization().range()[1]).asOutput())
                        .setAttr("T", DataType.DT_QUINT8)
                        .setAttr("mode", "SCALED")
                        .build();
        return new Quantized(quantize.output(0), quantize.output(1), quantize.output(2));
    }

    /**
     * One depthwise or pointwise layer: uint8 in, int8 weights, ReLU and requantization to uint8.
     */
    private static Quantized layer(Ops tf, Graph graph, Quantized in, Layer layer, LayerWeights w) {
        boolean depthwise = layer.kind() == LayerKind.DEPTHWISE;
        int[] shape = layer.kernelShape();
        int channels = depthwise ? shape[2] : shape[3];
        float[] scales = channelMaxima(w.kernel(), channels);
        byte[] kernel = new byte[w.kernel().length];
        for (int i = 0; i < kernel.length; i++) {
            float step = scales[i % channels] / 127f;
            long q = step == 0f ? 0 : Math.round(w.kernel()[i] / step);
            kernel[i] = (byte) Math.max(-127, Math.min(127, q));
        }
        float[] minFilter = new float[channels];
        for (int c = 0; c < channels; c++) {
            minFilter[c] = -scales[c];
        }
        GraphOperation filter =
                ((GraphOperationBuilder)
                                graph.opBuilder(
                                                "Const",
                                                tf.scope().makeOpName("weights"),
                                                graph.baseScope())
                                        .setAttr("dtype", DataType.DT_QINT8)
                                        .setAttr(
                                                "value",
                                                AttrValue.newBuilder()
                                                        .setTensor(int8Tensor(kernel, shape))
                                                        .build()))
                        .build();
        GraphOperation conv =
                graph.opBuilder(
                                depthwise
                                        ? "QuantizedDepthwiseConv2DWithBiasAndReluAndRequantize"
                                        : "QuantizedConv2DWithBiasAndReluAndRequantize",
                                tf.scope().makeOpName(depthwise ? "depthwise" : "Conv2D"),
                                graph.baseScope())
                        .addInput(in.values())
                        .addInput(filter.output(0))
                        .addInput(tf.constant(w.bias()).asOutput())
                        .addInput(in.min())
                        .addInput(in.max())
                        .addInput(tf.constant(minFilter).asOutput())
                        .addInput(tf.constant(scales).asOutput())
                        .addInput(tf.constant(0f).asOutput())
                        .addInput(tf.constant(w.requantization().range()[1]).asOutput())
                        .setAttr("Tinput", DataType.DT_QUINT8)
                        .setAttr("Tfilter", DataType.DT_QINT8)
                        .setAttr("Tbias", DataType.DT_FLOAT)
                        .setAttr("out_type", DataType.DT_QUINT8)
                        .setAttr("strides", new long[] {1, layer.stride(), layer.stride(), 1})
                        .setAttr("padding", "SAME")
                        .build();
        Quantized out = new Quantized(conv.output(0), conv.output(1), conv.output(2));
        out.dequantized(tf, graph, "Relu6"); // the real activation, for feature maps
        return out;
    }

    /** The largest magnitude of each output channel's weights (kernel layouts end in channels). */
    private static float[] channelMaxima(float[] kernel, int channels) {
        float[] maxima = new float[channels];
        for (int i = 0; i < kernel.length; i++) {
            maxima[i % channels] = Math.max(maxima[i % channels], Math.abs(kernel[i]));
        }
        return maxima;
    }

    private static Operand<TFloat32> constant(Ops tf, Layer layer, float[] values) {
        int[] dims = layer.kernelShape();
        long[] shape = new long[dims.length];
        for (int d = 0; d < dims.length; d++) {
            shape[d] = dims[d];
        }
        return tf.withName("weights")
                .constant(Shape.of(shape), DataBuffers.of(values, true, false));
    }

    private static TensorProto int8Tensor(byte[] values, int[] shape) {
        TensorShapeProto.Builder dims = TensorShapeProto.newBuilder();
        for (int d : shape) {
            dims.addDim(TensorShapeProto.Dim.newBuilder().setSize(d));
        }
        return TensorProto.newBuilder()
                .setDtype(DataType.DT_QINT8)
                .setTensorShape(dims)
                .setTensorContent(com.google.protobuf.ByteString.copyFrom(values))
                .build();
    }
}
