package io.ocellus.models.inference;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether TensorFlow runs its oneDNN kernels in this process. TensorFlow's Linux build turns them
 * on by itself only on CPUs with AVX512_VNNI, AVX512_BF16, AVX_VNNI or AMX; elsewhere (AVX2
 * machines, AVX-512 ones without VNNI) it runs Eigen's convolutions unless {@code
 * TF_ENABLE_ONEDNN_OPTS=1} is in the process's environment when TensorFlow first asks, which Java
 * cannot set for itself. On an AMD EPYC with AVX2 only, oneDNN's kernels ran MobileNet 1.14-1.79x
 * as fast as Eigen's with the same answers (README: oneDNN on every CPU), so {@code bin/ocellus}
 * and {@code deploy/} export it, and an engine opened without it says so once in the log. bfloat16
 * and int8 need these kernels too ({@link Precision#resolve()}).
 */
public final class OneDnn {
    /** The environment variable TensorFlow reads once, at its first oneDNN question. */
    public static final String VARIABLE = "TF_ENABLE_ONEDNN_OPTS";

    private static final Logger LOG = LoggerFactory.getLogger(OneDnn.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    /** The CPU features that make TensorFlow turn oneDNN on by itself on Linux. */
    private static final List<String> DEFAULT_ON_FEATURES =
            List.of("avx512_vnni", "avx512_bf16", "avx_vnni", "amx_tile", "amx_int8", "amx_bf16");

    private OneDnn() {}

    /** Whether TensorFlow's oneDNN kernels run in this process (its variable, else its default). */
    public static boolean enabled() {
        return enabled(System.getenv(VARIABLE), CpuFeatures.flags());
    }

    /**
     * TensorFlow's rule ({@code IsMklEnabled}): "1" or "true" turns oneDNN on, "0" or "false" off,
     * in any case; unset or anything else leaves the default by CPU feature.
     */
    static boolean enabled(String variable, String cpuFlags) {
        if (variable != null) {
            switch (variable.strip().toLowerCase(Locale.ROOT)) {
                case "1", "true" -> {
                    return true;
                }
                case "0", "false" -> {
                    return false;
                }
                default -> {
                    // TensorFlow warns and keeps its default.
                }
            }
        }
        return onByDefault(cpuFlags);
    }

    /** Whether a CPU with these {@code /proc/cpuinfo} flags gets oneDNN without the variable. */
    static boolean onByDefault(String cpuFlags) {
        return DEFAULT_ON_FEATURES.stream().anyMatch(feature -> CpuFeatures.has(cpuFlags, feature));
    }

    /** "oneDNN on" or "oneDNN off", with the variable where it decided, for headers and logs. */
    public static String describe() {
        String variable = System.getenv(VARIABLE);
        String state = enabled() ? "oneDNN on" : "oneDNN off";
        return variable == null ? state : state + " (" + VARIABLE + "=" + variable + ")";
    }

    /** Logs once per process when this machine runs Eigen's kernels because nobody asked. */
    static void warnIfOff() {
        if (!enabled() && WARNED.compareAndSet(false, true)) {
            String variable = System.getenv(VARIABLE);
            if (variable == null) {
                LOG.warn(
                        "TensorFlow's oneDNN kernels are off on this CPU (no VNNI, AVX512_BF16 or"
                                + " AMX) and {} is unset: convolutions run Eigen's kernels (oneDNN's"
                                + " ran MobileNet 1.14-1.79x faster with AVX2); set {}=1 in the JVM's"
                                + " environment (bin/ocellus and deploy/ do)",
                        VARIABLE,
                        VARIABLE);
            } else {
                LOG.info(
                        "{}={}: TensorFlow runs Eigen's kernels, not oneDNN's", VARIABLE, variable);
            }
        }
    }
}
