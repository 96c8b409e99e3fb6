package io.ocellus.models.inference;

import java.util.Locale;

/**
 * The arithmetic of the forward pass. {@link #BF16} switches on oneDNN's automatic bfloat16 rewrite
 * (TensorFlow's {@code auto_mixed_precision_onednn_bfloat16}): convolutions and matrix products in
 * bfloat16 with float32 accumulation, on CPUs with AVX512_BF16 or AMX. {@link #AUTO} is bf16 where
 * the CPU has either, fp32 elsewhere (convolutions over an odd number of channels: {@link
 * EvenChannels}). {@link #INT8} runs a released 8-bit MobileNet as an integer graph of oneDNN's
 * quantized convolutions (VNNI or AMX-INT8; see {@code Int8MobileNetGraphBuilder}); other models,
 * and CPUs without either, run fp32.
 */
public enum Precision {
    FP32,
    BF16,
    AUTO,
    INT8;

    /** The precision a name gives: fp32, bf16, auto or int8, in any case. */
    public static Precision parse(String name) {
        return valueOf(name.strip().toUpperCase(Locale.ROOT));
    }

    /**
     * FP32, BF16 or INT8: what runs on this machine. An ask without the hardware, or with
     * TensorFlow's oneDNN kernels off ({@link OneDnn}), runs fp32 ({@link #whyNot()} says why);
     * int8 also needs an 8-bit model, which the model loader checks.
     */
    public Precision resolve() {
        return whyNot().isEmpty() ? (this == AUTO ? BF16 : this) : FP32;
    }

    /**
     * Why this precision does not run here, for the log line that says fp32 runs instead; empty
     * where it runs (fp32 always does, auto where bf16 would).
     */
    public String whyNot() {
        if (this == FP32) {
            return "";
        }
        boolean hardware = this == INT8 ? cpuHasInt8() : cpuHasBf16();
        if (!hardware) {
            return this == INT8
                    ? "this CPU has neither VNNI nor AMX-INT8"
                    : "this CPU has neither AVX512_BF16 nor AMX";
        }
        return OneDnn.enabled()
                ? ""
                : "TensorFlow's oneDNN kernels are off (" + OneDnn.describe() + ")";
    }

    /** Whether this machine's CPU has int8 dot products: AVX512_VNNI, AVX_VNNI or AMX-INT8. */
    public static boolean cpuHasInt8() {
        return CpuFeatures.has("avx512_vnni")
                || CpuFeatures.has("avx_vnni")
                || CpuFeatures.has("amx_int8");
    }

    /** Whether this machine's CPU has AVX512_BF16 or AMX-BF16 (Linux {@code /proc/cpuinfo}). */
    public static boolean cpuHasBf16() {
        return CpuFeatures.has("avx512_bf16") || CpuFeatures.has("amx_bf16");
    }

    /** The lower-case name, as settings and results write it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
