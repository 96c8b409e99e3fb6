package io.ocellus.models.inference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The arithmetic of the forward pass. {@link #BF16} switches on oneDNN's automatic bfloat16 rewrite
 * (TensorFlow's {@code auto_mixed_precision_onednn_bfloat16}): convolutions and matrix products in
 * bfloat16 with float32 accumulation, on CPUs with AVX512_BF16 or AMX. {@link #AUTO} is bf16 where
 * the CPU has either, fp32 elsewhere.
 */
public enum Precision {
    FP32,
    BF16,
    AUTO;

    /** The precision a name gives: fp32, bf16 or auto, in any case. */
    public static Precision parse(String name) {
        return valueOf(name.strip().toUpperCase(Locale.ROOT));
    }

    /** FP32 or BF16: what runs on this machine (a bf16 ask without the hardware runs fp32). */
    public Precision resolve() {
        if (this == FP32) {
            return FP32;
        }
        return cpuHasBf16() ? BF16 : FP32;
    }

    /** Whether this machine's CPU has AVX512_BF16 or AMX-BF16 (Linux {@code /proc/cpuinfo}). */
    public static boolean cpuHasBf16() {
        try {
            String flags = Files.readString(Path.of("/proc/cpuinfo"));
            return flags.contains(" avx512_bf16") || flags.contains(" amx_bf16");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** The lower-case name, as settings and results write it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
