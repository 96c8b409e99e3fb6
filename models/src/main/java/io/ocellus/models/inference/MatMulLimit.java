package io.ocellus.models.inference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * The limit a forward pass is compared with, measured in the same run: the rate of one large
 * TensorFlow MatMul (2048 x 2048 by 2048 x 2048, 8.6 G multiply-adds) on the engine's threads, in
 * float32 and with oneDNN's bfloat16 rewrite, and what the CPU is.
 *
 * @param fp32 GMAC/s of the float32 MatMul
 * @param bf16 GMAC/s with bfloat16 products, or 0 where the CPU has no bf16
 * @param cpu the CPU's model name and the features that matter here
 */
public record MatMulLimit(double fp32, double bf16, String cpu) {
    private static final int N = 2048;

    /** Measures both rates for about {@code seconds} each. */
    public static MatMulLimit measure(int intraOpThreads, double seconds) {
        double fp32 = rate(config(intraOpThreads, Precision.FP32), seconds);
        double bf16 =
                Precision.cpuHasBf16() ? rate(config(intraOpThreads, Precision.BF16), seconds) : 0;
        return new MatMulLimit(fp32, bf16, cpuDescription());
    }

    /** The rate a model's GMAC/s is a fraction of at {@code precision}; 0 when none applies. */
    public double of(Precision precision) {
        return switch (precision) {
            case FP32 -> fp32;
            case BF16 -> bf16;
            case AUTO, INT8 -> 0;
        };
    }

    /** One line for the bench's header. */
    public String describe(int threads) {
        return String.format(
                Locale.ROOT,
                "cpu: %s; limit: MatMul %dx%d on %s threads: fp32 %.1f GMAC/s, bf16 %s",
                cpu,
                N,
                N,
                threads == 0 ? "all" : String.valueOf(threads),
                fp32,
                bf16 > 0
                        ? String.format(Locale.ROOT, "%.1f GMAC/s", bf16)
                        : "n/a (no AVX512_BF16 or AMX)");
    }

    private static ConfigProto config(int threads, Precision precision) {
        return EngineOptions.builder()
                .optIntraOpThreads(threads)
                .optPrecision(precision)
                .build()
                .toConfigProto();
    }

    private static double rate(ConfigProto config, double seconds) {
        float[] values = new float[N * N];
        Random random = new Random(1);
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat() - 0.5f;
        }
        try (Graph graph = new Graph();
                TFloat32 matrix =
                        TFloat32.tensorOf(Shape.of(N, N), DataBuffers.of(values, true, false))) {
            // Fed, not constants: a MatMul of constants would be folded before the first run.
            Ops tf = Ops.create(graph);
            Operand<TFloat32> a = tf.withName("a").placeholder(TFloat32.class);
            Operand<TFloat32> b = tf.withName("b").placeholder(TFloat32.class);
            tf.withName("sum").sum(tf.linalg.matMul(a, b), tf.constant(new int[] {0, 1}));
            try (Session session = new Session(graph, config)) {
                for (int i = 0; i < 3; i++) {
                    session.runner().feed("a", matrix).feed("b", matrix).fetch("sum").run().close();
                }
                long start = System.nanoTime();
                long deadline = start + (long) (seconds * 1e9);
                int runs = 0;
                while (System.nanoTime() < deadline || runs < 3) {
                    session.runner().feed("a", matrix).feed("b", matrix).fetch("sum").run().close();
                    runs++;
                }
                return runs * (double) N * N * N / ((System.nanoTime() - start) / 1e9) / 1e9;
            }
        }
    }

    /** The CPU's model name and its AVX-512, bf16, VNNI and AMX features, from /proc/cpuinfo. */
    private static String cpuDescription() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            String name = "unknown CPU";
            String flags = "";
            for (String line : lines) {
                if (line.startsWith("model name") && name.equals("unknown CPU")) {
                    name = line.substring(line.indexOf(':') + 1).strip();
                } else if (line.startsWith("flags") && flags.isEmpty()) {
                    flags = " " + line.substring(line.indexOf(':') + 1).strip() + " ";
                }
            }
            List<String> features = new ArrayList<>();
            for (String feature :
                    List.of(
                            "avx512f",
                            "avx512_bf16",
                            "avx512_vnni",
                            "avx_vnni",
                            "amx_bf16",
                            "amx_int8")) {
                if (flags.contains(" " + feature + " ")) {
                    features.add(feature);
                }
            }
            return name
                    + " ("
                    + (features.isEmpty() ? "no AVX-512" : String.join(" ", features))
                    + ")";
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.arch");
        }
    }
}
