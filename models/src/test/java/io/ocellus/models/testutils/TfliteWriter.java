package io.ocellus.models.testutils;

import com.google.flatbuffers.FlatBufferBuilder;
import io.ocellus.models.mobilenet.Layer;
import io.ocellus.models.mobilenet.LayerKind;
import io.ocellus.models.mobilenet.MobileNetV1Spec;
import io.ocellus.models.weights.LayerWeights;
import io.ocellus.models.weights.MobileNetV1Weights;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Writes MobileNet v1 weights as a TensorFlow Lite flatbuffer with the fields weight import reads
 * (tensors, buffers, operators, operator codes; no builtin options, so the TensorFlow Lite runtime
 * would not run it). Float32, or int8 weights quantized per output channel with int32 biases; a
 * hook can corrupt a kernel's shape. For tests of the importer's float and per-channel paths, which
 * the released files do not exercise.
 */
public final class TfliteWriter {
    public enum Encoding {
        FLOAT32,
        INT8_PER_CHANNEL
    }

    private static final byte FLOAT32 = 0;
    private static final byte INT32 = 2;
    private static final byte INT8 = 9;
    private static final int CONV = 3;
    private static final int DEPTHWISE = 4;

    private final FlatBufferBuilder fb = new FlatBufferBuilder(1 << 20);
    private final List<Integer> buffers = new ArrayList<>();
    private final List<Integer> tensors = new ArrayList<>();
    private final List<Integer> operators = new ArrayList<>();

    private TfliteWriter() {}

    /**
     * The flatbuffer of {@code weights}; {@code shapeHook} may change any kernel's TFLite shape.
     */
    public static byte[] write(
            MobileNetV1Weights weights, Encoding encoding, UnaryOperator<int[]> shapeHook) {
        return new TfliteWriter().model(weights, encoding, shapeHook);
    }

    private byte[] model(MobileNetV1Weights weights, Encoding encoding, UnaryOperator<int[]> hook) {
        MobileNetV1Spec spec = weights.spec();
        buffers.add(bufferOf(null)); // buffer 0: empty, for activations
        int r = spec.resolution();
        int x = tensor("input", new int[] {1, r, r, 3}, FLOAT32, 0, -1);
        for (Layer layer : spec.layers()) {
            x = layer(layer, weights.layer(layer.name()), encoding, hook, x);
        }
        int subgraph = subgraph(x);
        int codes = operatorCodes();
        int subgraphs = fb.createVectorOfTables(new int[] {subgraph});
        int bufferVector = fb.createVectorOfTables(toArray(buffers));
        fb.startTable(5);
        fb.addInt(0, 3, 0);
        fb.addOffset(1, codes, 0);
        fb.addOffset(2, subgraphs, 0);
        fb.addOffset(4, bufferVector, 0);
        fb.finish(fb.endTable(), "TFL3");
        return fb.sizedByteArray();
    }

    private int layer(
            Layer layer, LayerWeights w, Encoding encoding, UnaryOperator<int[]> hook, int input) {
        String scope =
                (layer.kind() == LayerKind.LOGITS
                                ? "MobilenetV1/Logits/"
                                : "MobilenetV1/MobilenetV1/")
                        + layer.name();
        int out = layer.outChannels();
        float[] kernel =
                layer.kind() == LayerKind.DEPTHWISE
                        ? w.kernel()
                        : outLastToOutFirst(w.kernel(), out);
        int[] shape =
                layer.kind() == LayerKind.DEPTHWISE
                        ? new int[] {1, layer.kernel(), layer.kernel(), out}
                        : new int[] {out, layer.kernel(), layer.kernel(), layer.inChannels()};
        int[] written = hook.apply(shape.clone());
        kernel = java.util.Arrays.copyOf(kernel, product(written));
        int weightsTensor;
        int biasTensor;
        if (encoding == Encoding.FLOAT32) {
            weightsTensor = tensor(scope + "/weights", written, FLOAT32, data(kernel), -1);
            biasTensor = tensor(scope + "/biases", new int[] {out}, FLOAT32, data(w.bias()), -1);
        } else {
            boolean depthwise = layer.kind() == LayerKind.DEPTHWISE;
            float[] scales = channelScales(kernel, out, depthwise);
            weightsTensor =
                    quantizedWeights(scope + "/weights", written, kernel, scales, depthwise);
            biasTensor = quantizedBias(scope + "/biases", w.bias(), scales);
        }
        int output =
                tensor(
                        scope + "/Relu6",
                        new int[] {1, layer.outSize(), layer.outSize(), out},
                        FLOAT32,
                        0,
                        -1);
        operators.add(
                operator(
                        layer.kind() == LayerKind.DEPTHWISE ? 1 : 0,
                        new int[] {input, weightsTensor, biasTensor},
                        output));
        return output;
    }

    private int quantizedWeights(
            String name, int[] shape, float[] kernel, float[] scales, boolean depthwise) {
        int channels = scales.length;
        byte[] q = new byte[kernel.length];
        for (int i = 0; i < kernel.length; i++) {
            int c = depthwise ? i % channels : i / (kernel.length / channels);
            q[i] = (byte) Math.max(-127, Math.min(127, Math.round(kernel[i] / scales[c])));
        }
        int quantization = quantization(scales, depthwise ? 3 : 0);
        return tensor(name, shape, INT8, bufferOf(q), quantization);
    }

    private int quantizedBias(String name, float[] bias, float[] weightScales) {
        float[] scales = new float[bias.length];
        ByteBuffer data = ByteBuffer.allocate(bias.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int c = 0; c < bias.length; c++) {
            scales[c] = weightScales[c] / 128f; // as if the input were quantized with scale 1/128
            data.putInt((int) Math.round(bias[c] / scales[c]));
        }
        return tensor(
                name,
                new int[] {bias.length},
                INT32,
                bufferOf(data.array()),
                quantization(scales, 0));
    }

    private static float[] channelScales(float[] kernel, int channels, boolean depthwise) {
        float[] max = new float[channels];
        for (int i = 0; i < kernel.length; i++) {
            int c = depthwise ? i % channels : i / (kernel.length / channels);
            max[c] = Math.max(max[c], Math.abs(kernel[i]));
        }
        for (int c = 0; c < channels; c++) {
            max[c] = max[c] == 0 ? 1f : max[c] / 127f;
        }
        return max;
    }

    private int quantization(float[] scales, int dimension) {
        int scaleVector = floatVector(scales);
        fb.startVector(8, scales.length, 8);
        for (int i = scales.length - 1; i >= 0; i--) {
            fb.addLong(0);
        }
        int zeroPoints = fb.endVector();
        fb.startTable(7);
        fb.addOffset(2, scaleVector, 0);
        fb.addOffset(3, zeroPoints, 0);
        fb.addInt(6, dimension, 0);
        return fb.endTable();
    }

    private int tensor(String name, int[] shape, byte type, int buffer, int quantization) {
        int shapeVector = intVector(shape);
        int nameString = fb.createString(name);
        fb.startTable(5);
        fb.addOffset(0, shapeVector, 0);
        fb.addByte(1, type, 0);
        fb.addInt(2, buffer, 0);
        fb.addOffset(3, nameString, 0);
        if (quantization >= 0) {
            fb.addOffset(4, quantization, 0);
        }
        tensors.add(fb.endTable());
        return tensors.size() - 1;
    }

    private int data(float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            bytes.putFloat(v);
        }
        return bufferOf(bytes.array());
    }

    private int bufferOf(byte[] bytes) {
        int vector = bytes == null ? 0 : fb.createByteVector(bytes);
        fb.startTable(1);
        if (bytes != null) {
            fb.addOffset(0, vector, 0);
        }
        buffers.add(fb.endTable());
        return buffers.size() - 1;
    }

    private int operator(int opcodeIndex, int[] inputs, int output) {
        int in = intVector(inputs);
        int out = intVector(new int[] {output});
        fb.startTable(3);
        fb.addInt(0, opcodeIndex, 0);
        fb.addOffset(1, in, 0);
        fb.addOffset(2, out, 0);
        return fb.endTable();
    }

    private int operatorCodes() {
        int[] codes = new int[2];
        int i = 0;
        for (int code : new int[] {CONV, DEPTHWISE}) {
            fb.startTable(4);
            fb.addByte(0, (byte) code, 0);
            fb.addInt(3, code, 0);
            codes[i++] = fb.endTable();
        }
        return fb.createVectorOfTables(codes);
    }

    private int subgraph(int output) {
        int tensorVector = fb.createVectorOfTables(toArray(tensors));
        int inputs = intVector(new int[] {0});
        int outputs = intVector(new int[] {output});
        int operatorVector = fb.createVectorOfTables(toArray(operators));
        fb.startTable(4);
        fb.addOffset(0, tensorVector, 0);
        fb.addOffset(1, inputs, 0);
        fb.addOffset(2, outputs, 0);
        fb.addOffset(3, operatorVector, 0);
        return fb.endTable();
    }

    private int intVector(int[] values) {
        fb.startVector(4, values.length, 4);
        for (int i = values.length - 1; i >= 0; i--) {
            fb.addInt(values[i]);
        }
        return fb.endVector();
    }

    private int floatVector(float[] values) {
        fb.startVector(4, values.length, 4);
        for (int i = values.length - 1; i >= 0; i--) {
            fb.addFloat(values[i]);
        }
        return fb.endVector();
    }

    /** {@code [kh, kw, in, out]} to {@code [out, kh, kw, in]}. */
    private static float[] outLastToOutFirst(float[] kernel, int out) {
        int inner = kernel.length / out;
        float[] transposed = new float[kernel.length];
        for (int o = 0; o < out; o++) {
            for (int i = 0; i < inner; i++) {
                transposed[o * inner + i] = kernel[i * out + o];
            }
        }
        return transposed;
    }

    private static int product(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    private static int[] toArray(List<Integer> values) {
        return values.stream().mapToInt(Integer::intValue).toArray();
    }
}
