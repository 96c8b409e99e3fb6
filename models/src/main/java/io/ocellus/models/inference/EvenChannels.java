package io.ocellus.models.inference;

import java.util.List;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RewriterConfig;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

/**
 * Convolutions over an odd number of input channels, made even for bfloat16.
 *
 * <p>oneDNN's bfloat16 convolutions multiply pairs of input channels. With an odd count (the 3
 * colour channels of every image model's first layer) the kernels of TensorFlow Java 1.1's oneDNN
 * 3.5 gave wrong sums on an AMD Zen 5 (family 26): a 3x3 convolution of 3 channels was off by up to
 * 57% of its largest output, and by amounts that changed from one run to the next, while 1, 2, 4
 * and 8 channels were within bfloat16's rounding (README: precision). The same convolution with one
 * more input channel of zeros, and a zero slice in the kernel, is the same sum with an even count.
 * Graphs built here pad that way under bf16 ({@link #padKernel}, and a fourth input channel that
 * the engine feeds zeros, or {@link #pad}); graphs loaded from files cannot, and {@link #sound}
 * says whether this machine needs it.
 */
public final class EvenChannels {
    private static final org.slf4j.Logger LOG =
            org.slf4j.LoggerFactory.getLogger(EvenChannels.class);

    private EvenChannels() {}

    /** Whether {@code config} switches on oneDNN's bfloat16 rewrite. */
    public static boolean bf16(ConfigProto config) {
        return config.getGraphOptions().getRewriteOptions().getAutoMixedPrecisionOnednnBfloat16()
                == RewriterConfig.Toggle.ON;
    }

    /** {@code config} with the bfloat16 rewrite off: float32 convolutions. */
    public static ConfigProto withoutBf16(ConfigProto config) {
        ConfigProto.Builder builder = config.toBuilder();
        builder.getGraphOptionsBuilder()
                .getRewriteOptionsBuilder()
                .setAutoMixedPrecisionOnednnBfloat16(RewriterConfig.Toggle.DEFAULT);
        return builder.build();
    }

    /** Whether a convolution over {@code inChannels} is padded when {@code bf16}. */
    public static boolean needed(boolean bf16, int inChannels) {
        return bf16 && inChannels % 2 == 1;
    }

    /**
     * {@code x} (NHWC) for a kernel padded from {@code channels} input channels: as it is when it
     * has one more already (an input fed with a zero channel), else with one more channel of zeros.
     */
    public static Operand<TFloat32> padded(Ops tf, Operand<TFloat32> x, int channels) {
        Shape shape = x.shape();
        if (shape.numDimensions() == 4 && shape.get(3) == channels + 1) {
            return x;
        }
        return pad(tf, x);
    }

    /** {@code x} (NHWC) with one more channel of zeros. */
    public static Operand<TFloat32> pad(Ops tf, Operand<TFloat32> x) {
        Operand<TInt32> paddings = tf.constant(new int[][] {{0, 0}, {0, 0}, {0, 0}, {0, 1}});
        return tf.withName("even_channels").pad(x, paddings, tf.constant(0f));
    }

    /**
     * A kernel of {@code rows} = height x width positions, each {@code inChannels} x {@code
     * outChannels} (TensorFlow's HWIO order), with one more input channel of zero weights.
     */
    public static float[] padKernel(float[] kernel, int rows, int inChannels, int outChannels) {
        float[] padded = new float[rows * (inChannels + 1) * outChannels];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(
                    kernel,
                    r * inChannels * outChannels,
                    padded,
                    r * (inChannels + 1) * outChannels,
                    inChannels * outChannels);
        }
        return padded;
    }

    /**
     * Whether bfloat16 convolutions over 3 channels are right on this machine: a 3x3, stride 2
     * convolution of a fixed pseudo-random 3-channel image under the bfloat16 rewrite against the
     * same in float32, within 5% of the largest output (bfloat16's rounding leaves under 1%).
     * Measured once per process; a probe that cannot run counts as a fault.
     */
    public static boolean sound() {
        return Probe.SOUND;
    }

    /** The largest difference, as a fraction of the largest float32 output. */
    static double probeError() {
        int size = 32;
        int in = 3;
        int out = 16;
        float[] image = pseudoRandom(size * size * in, 1);
        float[] kernel = pseudoRandom(9 * in * out, 2);
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<TFloat32> x = tf.placeholder(TFloat32.class);
            // a fetched node is never rewritten: fetch a copy of the convolution
            Operand<TFloat32> y =
                    tf.identity(
                            tf.nn.conv2d(
                                    x,
                                    tf.constant(Shape.of(3, 3, in, out), DataBuffers.of(kernel)),
                                    List.of(1L, 2L, 2L, 1L),
                                    "SAME"));
            ConfigProto fp32 = ConfigProto.newBuilder().setIntraOpParallelismThreads(1).build();
            ConfigProto bf16 =
                    smallGraphs(
                            EngineOptions.builder()
                                    .optIntraOpThreads(1)
                                    .optPrecision(Precision.BF16)
                                    .build()
                                    .toConfigProto());
            try (TFloat32 input =
                    TFloat32.tensorOf(Shape.of(1, size, size, in), DataBuffers.of(image))) {
                float[] reference = run(graph, fp32, x, input, y);
                float[] bfloat = run(graph, bf16, x, input, y);
                double largest = 0;
                double error = 0;
                for (int i = 0; i < reference.length; i++) {
                    largest = Math.max(largest, Math.abs(reference[i]));
                    error = Math.max(error, Math.abs(reference[i] - bfloat[i]));
                }
                return error / largest;
            }
        }
    }

    /**
     * {@code config} rewriting graphs of any size: Grappler leaves graphs of fewer than 4 nodes
     * alone by default.
     */
    static ConfigProto smallGraphs(ConfigProto config) {
        ConfigProto.Builder builder = config.toBuilder();
        builder.getGraphOptionsBuilder().getRewriteOptionsBuilder().setMinGraphNodes(-1);
        return builder.build();
    }

    /** Runs {@code y} on {@code input} in a new session of {@code config}; its values. */
    static float[] run(
            Graph graph,
            ConfigProto config,
            Placeholder<TFloat32> x,
            TFloat32 input,
            Operand<TFloat32> y) {
        try (Session session = new Session(graph, config);
                Result result = session.runner().feed(x, input).fetch(y).run()) {
            TFloat32 output = (TFloat32) result.get(0);
            float[] values = new float[(int) output.size()];
            output.copyTo(DataBuffers.of(values, false, false));
            return values;
        }
    }

    /** Values in [-1, 1) from a linear congruential sequence: the same on every machine. */
    private static float[] pseudoRandom(int count, long seed) {
        float[] values = new float[count];
        long state = seed;
        for (int i = 0; i < count; i++) {
            state = state * 6364136223846793005L + 1442695040888963407L;
            values[i] = (float) ((state >>> 40) / (double) (1L << 24) * 2 - 1);
        }
        return values;
    }

    private static final class Probe {
        static final boolean SOUND = measure();

        private static boolean measure() {
            if (Precision.BF16.resolve() != Precision.BF16) {
                return true;
            }
            double error;
            try {
                error = probeError();
            } catch (RuntimeException e) {
                LOG.warn("the bfloat16 convolution probe failed: {}", e.toString());
                return false;
            }
            boolean sound = error < 0.05;
            if (!sound) {
                LOG.warn(
                        "bfloat16 convolutions over 3 input channels are wrong on this CPU (off by"
                                + " {}% of the largest output; oneDNN 3.5, README: precision):"
                                + " models built here pad them to 4, models loaded from files run"
                                + " fp32",
                        String.format("%.0f", error * 100));
            }
            return sound;
        }
    }
}
