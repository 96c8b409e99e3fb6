package io.ocellus.models.weights;

/**
 * Float weights of one convolution, batch norm already folded in.
 *
 * @param kernel the kernel in TensorFlow's layout ({@code [kh, kw, in, out]}, or {@code [kh, kw,
 *     channels, 1]} for a depthwise convolution), row-major
 * @param bias one value per output channel
 * @param requantization how an integer kernel rounds the layer's output, for weights from a
 *     quantized model; null for a float model
 */
public record LayerWeights(float[] kernel, float[] bias, Requantization requantization) {
    /** Weights of a float model. */
    public LayerWeights(float[] kernel, float[] bias) {
        this(kernel, bias, null);
    }
}
