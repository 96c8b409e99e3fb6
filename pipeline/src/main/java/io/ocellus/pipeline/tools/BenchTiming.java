package io.ocellus.pipeline.tools;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Timing helpers shared by the bench commands. */
final class BenchTiming {
    private BenchTiming() {}

    /** Something measured; may throw. */
    @FunctionalInterface
    interface Call {
        void run() throws Exception;
    }

    /** Milliseconds per call, over at least {@code millis} after a few warm-up calls. */
    static double millisPerCall(Call call, long millis) throws Exception {
        for (int i = 0; i < 3; i++) {
            call.run();
        }
        long start = System.nanoTime();
        long deadline = start + millis * 1_000_000;
        int calls = 0;
        long now;
        do {
            call.run();
            calls++;
            now = System.nanoTime();
        } while (now < deadline);
        return (now - start) / 1e6 / calls;
    }

    /** The median of {@code values}. */
    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /**
     * The JIT compiler's share of the cores' time since this meter was made, from the JVM's
     * accumulated compilation time (milliseconds summed over the compiler threads); 0 where the JVM
     * does not report it.
     */
    static final class JitMeter {
        private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        private final long startNanos = System.nanoTime();
        private final long startMillis = compileMillis();

        private long compileMillis() {
            return jit != null && jit.isCompilationTimeMonitoringSupported()
                    ? jit.getTotalCompilationTime()
                    : 0;
        }

        /** Compilation time over wall time times the cores, since this meter was made. */
        double share() {
            double wallMillis = (System.nanoTime() - startNanos) / 1e6;
            return (compileMillis() - startMillis)
                    / (Math.max(1, wallMillis) * Runtime.getRuntime().availableProcessors());
        }
    }
}
