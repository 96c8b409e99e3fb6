package io.ocellus.pipeline.tools;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

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

    /**
     * Images/s of stages run one after the other, each at the fastest it was measured: {@code
     * before} and {@code after} hold milliseconds per image for the same stages, measured twice.
     * The faster of two, not their mean: the first measurement may run with a cold JIT, and a
     * ceiling it lowered would flatter the run it is compared with.
     */
    static double serialCeiling(double[] before, double[] after) {
        if (before.length != after.length) {
            throw new IllegalArgumentException("not the same stages measured twice");
        }
        double ms = 0;
        for (int i = 0; i < before.length; i++) {
            ms += Math.min(before[i], after[i]);
        }
        return 1000 / ms;
    }

    /** The median of {@code values}. */
    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /**
     * The JIT compiler's share of the cores' time since this meter was made.
     *
     * <p>On Linux it sums the CPU time of HotSpot's compiler threads ({@code C1 CompilerThre*},
     * {@code C2 CompilerThre*}), read from {@code /proc/self/task/<tid>/schedstat}; a compiler
     * thread that ends between two readings loses its time since the last one, so the figure can
     * only err low. Elsewhere it falls back to the JVM's accumulated compilation time, which is
     * wall-clock time summed over the compiler threads and counts the time they wait for a core: on
     * a busy machine that sum can pass the cores' time, so the fallback is capped at 1.
     */
    static final class JitMeter {
        static final Path TASKS = Path.of("/proc/self/task");
        private final CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        private final long startNanos = System.nanoTime();
        private final Map<String, Long> startCpu =
                Files.isDirectory(TASKS) ? compilerCpuNanos() : Map.of();
        // No compiler thread found (no /proc, no schedstat): the MXBean's figure instead.
        private final boolean proc = !startCpu.isEmpty();
        private final long startMillis = compileMillis();

        private long compileMillis() {
            return jit != null && jit.isCompilationTimeMonitoringSupported()
                    ? jit.getTotalCompilationTime()
                    : 0;
        }

        /** Compiler time over wall time times the cores, since this meter was made; 0 to 1. */
        double share() {
            double wallNanos = Math.max(1e6, System.nanoTime() - startNanos);
            double cores = Runtime.getRuntime().availableProcessors();
            if (proc) {
                long busy = 0;
                for (Map.Entry<String, Long> now : compilerCpuNanos().entrySet()) {
                    busy += Math.max(0, now.getValue() - startCpu.getOrDefault(now.getKey(), 0L));
                }
                return Math.min(1, busy / (wallNanos * cores));
            }
            return Math.min(1, (compileMillis() - startMillis) * 1e6 / (wallNanos * cores));
        }

        /** CPU nanoseconds run so far by each live compiler thread, by thread id. */
        static Map<String, Long> compilerCpuNanos() {
            Map<String, Long> cpu = new HashMap<>();
            try (DirectoryStream<Path> tasks = Files.newDirectoryStream(TASKS)) {
                for (Path task : tasks) {
                    try {
                        if (Files.readString(task.resolve("comm")).contains("CompilerThre")) {
                            String first = Files.readString(task.resolve("schedstat")).trim();
                            cpu.put(
                                    task.getFileName().toString(),
                                    Long.parseLong(first.split("\\s+")[0]));
                        }
                    } catch (IOException | NumberFormatException e) {
                        // the thread ended while being read: its time is not counted
                    }
                }
            } catch (IOException e) {
                return Map.of();
            }
            return cpu;
        }
    }
}
