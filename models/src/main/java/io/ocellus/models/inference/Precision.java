package io.ocellus.models.inference;

/** The arithmetic the forward pass runs in. */
public enum Precision {
    /** float32 throughout: the reference. */
    FLOAT32,
    /**
     * oneDNN's automatic bfloat16 rewrite of convolutions (TensorFlow's {@code
     * auto_mixed_precision_onednn_bfloat16} graph option) on CPUs with AVX512_BF16 or AMX.
     */
    BFLOAT16
}
