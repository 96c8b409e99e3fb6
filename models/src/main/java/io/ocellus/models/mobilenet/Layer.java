package io.ocellus.models.mobilenet;

/**
 * One convolution of the network with its place in the data flow.
 *
 * @param name TF-slim's scope name, for example {@code Conv2d_3_depthwise}
 * @param kind the kind of convolution
 * @param kernel the kernel's height and width (3 or 1)
 * @param stride the stride in both directions
 * @param inChannels channels in
 * @param outChannels channels out
 * @param inSize height (and width) of the input map
 * @param outSize height (and width) of the output map
 */
public record Layer(
        String name,
        LayerKind kind,
        int kernel,
        int stride,
        int inChannels,
        int outChannels,
        int inSize,
        int outSize) {

    /** Multiply-adds for one image. */
    public long macs() {
        long positions = (long) outSize * outSize;
        long perPosition =
                kind == LayerKind.DEPTHWISE
                        ? (long) kernel * kernel * outChannels
                        : (long) kernel * kernel * inChannels * outChannels;
        return positions * perPosition;
    }

    /**
     * Trainable parameters as the checkpoint holds them: the weights plus batch norm's scale and
     * offset per output channel, or the bias of the logits layer.
     */
    public long parameters() {
        long weights = 1;
        for (int dim : kernelShape()) {
            weights *= dim;
        }
        return weights + (kind.hasBatchNormAndRelu6() ? 2L : 1L) * outChannels;
    }

    /**
     * The kernel's shape as TensorFlow holds it: {@code [kh, kw, in, out]} for a convolution and
     * {@code [kh, kw, channels, 1]} for a depthwise one.
     */
    public int[] kernelShape() {
        return kind == LayerKind.DEPTHWISE
                ? new int[] {kernel, kernel, inChannels, 1}
                : new int[] {kernel, kernel, inChannels, outChannels};
    }
}
