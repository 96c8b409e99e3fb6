package io.ocellus.models.mobilenet;

/** The three kinds of convolution MobileNet v1 is made of. */
public enum LayerKind {
    /** A full 3x3 convolution (only the stem, {@code Conv2d_0}). */
    CONV,
    /** A 3x3 depthwise convolution: one filter per input channel. */
    DEPTHWISE,
    /** A 1x1 convolution that mixes channels. */
    POINTWISE,
    /** The classifier: a 1x1 convolution with a bias and no batch norm or activation. */
    LOGITS;

    /** Whether the layer is followed by batch norm (folded into a bias when deployed) and ReLU6. */
    public boolean hasBatchNormAndRelu6() {
        return this != LOGITS;
    }
}
