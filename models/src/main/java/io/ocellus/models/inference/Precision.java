package io.ocellus.models.inference;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
     * FP32, BF16 or INT8: what runs on this machine (an ask without the hardware runs fp32; int8
     * also needs an 8-bit model, which the model loader checks).
     */
    public Precision resolve() {
        return switch (this) {
            case FP32 -> FP32;
            case INT8 -> cpuHasInt8() ? INT8 : FP32;
            case BF16, AUTO -> cpuHasBf16() ? BF16 : FP32;
        };
    }

    /** Whether this machine's CPU has int8 dot products: AVX512_VNNI, AVX_VNNI or AMX-INT8. */
    public static boolean cpuHasInt8() {
        String flags = cpuFlags();
        return flags.contains(" avx512_vnni")
                || flags.contains(" avx_vnni")
                || flags.contains(" amx_int8");
    }

    /** Whether this machine's CPU has AVX512_BF16 or AMX-BF16 (Linux {@code /proc/cpuinfo}). */
    public static boolean cpuHasBf16() {
        String flags = cpuFlags();
        return flags.contains(" avx512_bf16") || flags.contains(" amx_bf16");
    }

    /** This machine's {@code /proc/cpuinfo}, read once: engines ask for it each time they open. */
    private static String cpuFlags() {
        return CpuInfo.TEXT;
    }

    private static final class CpuInfo {
        static final String TEXT = read();

        private static String read() {
            try {
                return Files.readString(Path.of("/proc/cpuinfo"));
            } catch (IOException | RuntimeException e) {
                return "";
            }
        }
    }

    /** The lower-case name, as settings and results write it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
