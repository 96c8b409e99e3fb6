package io.ocellus.models.inference;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A 1x1, stride-1 convolution written as a MatMul over the pixels: {@code [n, h, w, c]} seen as
 * {@code [n*h*w, c]} rows times a {@code [c, k]} matrix, seen again as {@code [n, h, w, k]}. The
 * same products and sums as the convolution; the two reshapes are free (no copy).
 *
 * <p>Why: in float32 oneDNN runs TensorFlow's 1x1 {@code Conv2D} on an NHWC tensor with its {@code
 * brgconv_1x1} kernels and a {@code MatMul} with its SGEMM ({@code gemm_api}). On an AMD EPYC Zen
 * 5, single-threaded, for MobileNet v1 1.0_224's pointwise layers at 4 images, the SGEMM ran at
 * 51-94 GMAC/s where the convolutions ran at 15-66, and the whole model ran 1.5x faster at batch 8
 * and 32 with float activations, 1.2-1.3x on the 8-bit grids (README: Pointwise layers as MatMul).
 * The bias is added after the second reshape, not fused into the MatMul: TensorFlow fuses a {@code
 * MatMul + BiasAdd} into oneDNN's inner product, which ran at 23-50 GMAC/s there.
 *
 * <p>Only for float32 graphs: with oneDNN's bfloat16 rewrite the convolution is the faster kernel
 * (its bfloat16 1x1 convolutions ran at 1.4x its float32 MatMul, its bfloat16 MatMul at 0.6x).
 */
public final class PointwiseMatMul {
    private PointwiseMatMul() {}

    /**
     * Whether a convolution with a {@code kernelHeight x kernelWidth} kernel and these strides runs
     * as a MatMul in a graph built for {@code bf16} or not.
     */
    public static boolean applies(
            boolean bf16, int kernelHeight, int kernelWidth, int strideHeight, int strideWidth) {
        return !bf16
                && kernelHeight == 1
                && kernelWidth == 1
                && strideHeight == 1
                && strideWidth == 1;
    }

    /**
     * {@code x} ({@code [n, h, w, c]}) times {@code matrix} ({@code [c, k]}), as {@code [n, h, w,
     * k]}: the sums of a 1x1 {@code Conv2D} with the same kernel, whose {@code [1, 1, c, k]} values
     * are the matrix's in the same order. The last op is named {@code name}. {@code x}'s height and
     * width must be known when the graph is built (a placeholder of fixed resolution).
     */
    public static Operand<TFloat32> of(
            Ops tf, String name, Operand<TFloat32> x, Operand<TFloat32> matrix) {
        Shape in = x.shape();
        if (in.numDimensions() != 4 || in.get(1) < 0 || in.get(2) < 0) {
            throw new IllegalArgumentException(
                    "a pointwise MatMul needs an input of known height and width, not " + in);
        }
        long channels = matrix.shape().get(0);
        long outChannels = matrix.shape().get(1);
        Operand<TFloat32> rows =
                tf.withName(name + "_rows").reshape(x, tf.constant(new long[] {-1, channels}));
        Operand<TFloat32> product = tf.withName(name + "_MatMul").linalg.matMul(rows, matrix);
        return tf.withName(name)
                .reshape(product, tf.constant(new long[] {-1, in.get(1), in.get(2), outChannels}));
    }
}
