package io.ocellus.models.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TFloat32;

/**
 * The limit a forward pass is compared with, measured in the same run: the rate of a large dense
 * product (2048 x 2048 by 2048 x 2048, 8.6 G multiply-adds), as many at once as the engine has
 * streams, on the engine's threads, in float32 and with oneDNN's bfloat16 rewrite, and what the CPU
 * is. The product runs twice, as a TensorFlow MatMul and as the same product written as a 1x1
 * Conv2D (2048 pixels of 2048 channels), and the faster counts: oneDNN takes different kernels for
 * the two (on an AMD Zen 5 its bfloat16 MatMul ran at 0.6 of its float32 one while its bfloat16 1x1
 * convolutions, the model's own layers, ran at 1.4), and the limit is what the hardware does at its
 * best. Several at once because TensorFlow's intra-op thread pool is one per process, sized by the
 * first session: after an engine with one thread a stream, one product would use one core.
 *
 * @param fp32 GMAC/s in float32
 * @param bf16 GMAC/s with bfloat16 products, or 0 where the CPU has no bf16
 * @param cpu the CPU's model name and the features that matter here
 * @param runs products run at once
 * @param fp32Op the op that gave {@code fp32}: MatMul or Conv2D
 * @param bf16Op the op that gave {@code bf16}, or empty
 */
public record MatMulLimit(
        double fp32, double bf16, String cpu, int runs, String fp32Op, String bf16Op) {
    private static final int N = 2048;

    /**
     * Measures both rates for about {@code seconds} per op and precision, on {@code engine}'s
     * threads.
     */
    public static MatMulLimit measure(EngineOptions engine, double seconds) {
        int runs = engine.resolvedStreams();
        Best fp32 = best(config(engine, Precision.FP32), runs, seconds);
        Best bf16 =
                Precision.BF16.resolve() == Precision.BF16
                        ? best(config(engine, Precision.BF16), runs, seconds)
                        : new Best(0, "");
        return new MatMulLimit(fp32.rate, bf16.rate, cpuDescription(), runs, fp32.op, bf16.op);
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
    public String describe() {
        return String.format(
                Locale.ROOT,
                "cpu: %s; limit: a %dx%d by %dx%d product, the faster of MatMul and 1x1 Conv2D,"
                        + " %d at once on the engine's threads: fp32 %.1f GMAC/s (%s), bf16 %s",
                cpu,
                N,
                N,
                N,
                N,
                runs,
                fp32,
                fp32Op,
                bf16 > 0
                        ? String.format(Locale.ROOT, "%.1f GMAC/s (%s)", bf16, bf16Op)
                        : "n/a (" + Precision.BF16.whyNot() + ")");
    }

    private record Best(double rate, String op) {}

    private static Best best(ConfigProto config, int runs, double seconds) {
        double matMul = rate(config, false, runs, seconds);
        double conv = rate(config, true, runs, seconds);
        return conv > matMul ? new Best(conv, "Conv2D") : new Best(matMul, "MatMul");
    }

    private static ConfigProto config(EngineOptions engine, Precision precision) {
        return EngineOptions.builder()
                .optIntraOpThreads(engine.intraOpThreads())
                .optInterOpThreads(engine.interOpThreads())
                .optStreams(engine.streams())
                .optPrecision(precision)
                .build()
                .toConfigProto();
    }

    /**
     * GMAC/s of the 2048^3 product run {@code runs} at once: a MatMul of two 2048 x 2048 matrices,
     * or ({@code conv}) a 1x1 Conv2D of a 1 x 32 x 64 x 2048 input with a 1 x 1 x 2048 x 2048
     * filter.
     */
    private static double rate(ConfigProto config, boolean conv, int runs, double seconds) {
        float[] values = new float[N * N];
        Random random = new Random(1);
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat() - 0.5f;
        }
        Shape left = conv ? Shape.of(1, 32, N / 32, N) : Shape.of(N, N);
        Shape right = conv ? Shape.of(1, 1, N, N) : Shape.of(N, N);
        try (Graph graph = new Graph();
                TFloat32 a = TFloat32.tensorOf(left, DataBuffers.of(values, true, false));
                TFloat32 b = TFloat32.tensorOf(right, DataBuffers.of(values, true, false))) {
            // Fed, not constants: a product of constants would be folded before the first run.
            Ops tf = Ops.create(graph);
            Operand<TFloat32> x = tf.withName("a").placeholder(TFloat32.class);
            Operand<TFloat32> w = tf.withName("b").placeholder(TFloat32.class);
            Operand<TFloat32> product =
                    conv
                            ? tf.nn.conv2d(x, w, List.of(1L, 1L, 1L, 1L), "VALID")
                            : tf.linalg.matMul(x, w);
            tf.withName("sum")
                    .sum(product, tf.constant(conv ? new int[] {0, 1, 2, 3} : new int[] {0, 1}));
            try (Session session = new Session(graph, config)) {
                Runnable multiply =
                        () -> session.runner().feed("a", a).feed("b", b).fetch("sum").run().close();
                for (int i = 0; i < 3; i++) {
                    multiply.run();
                }
                return runAtOnce(multiply, runs, seconds) * (double) N * N * N / 1e9;
            }
        }
    }

    /** Calls {@code multiply} on {@code runs} threads for {@code seconds}; calls per second. */
    private static double runAtOnce(Runnable multiply, int runs, double seconds) {
        long start = System.nanoTime();
        long deadline = start + (long) (seconds * 1e9);
        AtomicInteger calls = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < runs; t++) {
            Thread thread =
                    new Thread(
                            () -> {
                                int mine = 0;
                                while (System.nanoTime() < deadline || mine < 2) {
                                    multiply.run();
                                    mine++;
                                }
                                calls.addAndGet(mine);
                            },
                            "ocellus-matmul-limit-" + t);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while measuring the MatMul limit", e);
            }
        }
        return calls.get() / ((System.nanoTime() - start) / 1e9);
    }

    /** The CPU's model name, its vector and matrix features and whether oneDNN runs. */
    private static String cpuDescription() {
        List<String> features = new ArrayList<>();
        for (String feature :
                List.of(
                        "avx2",
                        "fma",
                        "avx512f",
                        "avx512_bf16",
                        "avx512_vnni",
                        "avx_vnni",
                        "amx_bf16",
                        "amx_int8")) {
            if (CpuFeatures.has(feature)) {
                features.add(feature);
            }
        }
        return CpuFeatures.name()
                + " ("
                + (features.isEmpty() ? "no AVX2" : String.join(" ", features))
                + ", "
                + OneDnn.describe()
                + ")";
    }
}
