package io.ocellus.models.weights;

import io.ocellus.models.MalformedModelException;
import io.ocellus.models.weights.internal.TfliteSchema;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/** Turns a constant TensorFlow Lite tensor into floats: {@code real = scale * (q - zeroPoint)}. */
public final class TensorDequantizer {
    private TensorDequantizer() {}

    /** The tensor's constant data as real values. */
    public static float[] dequantize(
            Path file, TfliteSchema.Model model, TfliteSchema.Tensor tensor)
            throws MalformedModelException {
        int count = 1;
        for (int dim : tensor.shape()) {
            count *= dim;
        }
        ByteBuffer data = model.buffer(tensor.buffer()).data();
        int width = elementBytes(file, tensor);
        if (data == null || data.remaining() != count * width) {
            throw new MalformedModelException(
                    String.format(
                            "%s: tensor '%s' holds %d bytes, expected %d",
                            file,
                            tensor.name(),
                            data == null ? 0 : data.remaining(),
                            count * width));
        }
        float[] values = new float[count];
        if (tensor.type() == TfliteSchema.TYPE_FLOAT32) {
            data.asFloatBuffer().get(values);
            return values;
        }
        TfliteSchema.Quantization quantization = tensor.quantization();
        float[] scales = quantization == null ? new float[0] : quantization.scale();
        if (scales.length == 0) {
            throw new MalformedModelException(
                    String.format("%s: quantized tensor '%s' has no scale", file, tensor.name()));
        }
        long[] zeroPoints = quantization.zeroPoint();
        int channelStride = channelStride(tensor, quantization, scales.length);
        for (int i = 0; i < count; i++) {
            int channel = scales.length == 1 ? 0 : (i / channelStride) % scales.length;
            long zeroPoint =
                    zeroPoints.length == 0
                            ? 0
                            : zeroPoints[Math.min(channel, zeroPoints.length - 1)];
            values[i] = scales[channel] * (raw(tensor.type(), data, i) - zeroPoint);
        }
        return values;
    }

    /** Elements between consecutive channels of the quantized dimension. */
    private static int channelStride(
            TfliteSchema.Tensor tensor, TfliteSchema.Quantization quantization, int channels) {
        int[] shape = tensor.shape();
        int stride = 1;
        for (int d = quantization.quantizedDimension() + 1; d < shape.length; d++) {
            stride *= shape[d];
        }
        return channels == 1 ? Integer.MAX_VALUE : stride;
    }

    /**
     * The real interval {@code [min, max]} an 8-bit activation tensor can represent, or null when
     * it is a float tensor.
     */
    public static float[] range(TfliteSchema.Tensor tensor) {
        TfliteSchema.Quantization quantization = tensor.quantization();
        if (quantization == null || quantization.scale().length != 1) {
            return null;
        }
        float scale = quantization.scale()[0];
        long[] zeroPoints = quantization.zeroPoint();
        long zeroPoint = zeroPoints.length == 0 ? 0 : zeroPoints[0];
        int low = tensor.type() == TfliteSchema.TYPE_INT8 ? -128 : 0;
        int high = tensor.type() == TfliteSchema.TYPE_INT8 ? 127 : 255;
        if (tensor.type() != TfliteSchema.TYPE_UINT8 && tensor.type() != TfliteSchema.TYPE_INT8) {
            return null;
        }
        return new float[] {scale * (low - zeroPoint), scale * (high - zeroPoint)};
    }

    /**
     * How the integer kernel requantizes an operator's output, or null when input, weights or
     * output are not 8-bit quantized.
     */
    public static Requantization requantization(
            TfliteSchema.Tensor input,
            TfliteSchema.Tensor weights,
            TfliteSchema.Tensor output,
            boolean relu6) {
        float[] inputRange = range(input);
        float[] outputRange = range(output);
        TfliteSchema.Quantization w = weights.quantization();
        if (inputRange == null || outputRange == null || w == null || w.scale().length == 0) {
            return null;
        }
        TfliteSchema.Quantization out = output.quantization();
        long zeroPoint = out.zeroPoint().length == 0 ? 0 : out.zeroPoint()[0];
        boolean int8 = output.type() == TfliteSchema.TYPE_INT8;
        return Requantization.of(
                input.quantization().scale()[0],
                w.scale(),
                out.scale()[0],
                zeroPoint,
                int8 ? -128 : 0,
                int8 ? 127 : 255,
                relu6);
    }

    private static long raw(int type, ByteBuffer data, int i) {
        return switch (type) {
            case TfliteSchema.TYPE_UINT8 -> Byte.toUnsignedInt(data.get(i));
            case TfliteSchema.TYPE_INT8 -> data.get(i);
            case TfliteSchema.TYPE_INT32 -> data.getInt(i * 4);
            default -> throw new IllegalStateException("unsupported type " + type);
        };
    }

    private static int elementBytes(Path file, TfliteSchema.Tensor tensor)
            throws MalformedModelException {
        return switch (tensor.type()) {
            case TfliteSchema.TYPE_FLOAT32, TfliteSchema.TYPE_INT32 -> 4;
            case TfliteSchema.TYPE_UINT8, TfliteSchema.TYPE_INT8 -> 1;
            default ->
                    throw new MalformedModelException(
                            String.format(
                                    "%s: tensor '%s' has unsupported type code %d",
                                    file, tensor.name(), tensor.type()));
        };
    }

    /**
     * A TensorFlow Lite convolution kernel, {@code [out, kh, kw, in]}, in TensorFlow's order,
     * {@code [kh, kw, in, out]}.
     */
    public static float[] outFirstToOutLast(float[] kernel, int out) {
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
