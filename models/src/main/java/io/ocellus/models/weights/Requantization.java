package io.ocellus.models.weights;

/**
 * How an integer TensorFlow Lite kernel turns a layer's int32 accumulator into its 8-bit output, in
 * real units, so that a float graph can repeat it exactly.
 *
 * <p>The kernels scale the accumulator by {@code M = inputScale x weightScale / outputScale}, held
 * as a fixed-point {@code M0 x 2^-k} with {@code M0} in [0.5, 1): they round half up to a grid
 * {@code 2^k} times finer than the output's, then half up again to the output grid (gemmlowp's
 * {@code SaturatingRoundingDoublingHighMul}, then {@code RoundingDivideByPOT}). For an integer
 * {@code F = 2^k >= 2}, {@code floor((floor(F t + 1/2) + F/2) / F) = floor(t + 1/2 + 1/(2F))}: the
 * double rounding is a single rounding with the threshold moved down by {@code 1/(2F)} of a step.
 * In the released MobileNet files {@code k} is 1 in several depthwise layers, where this moves a
 * seventh of all outputs up by one step; repeating it is what makes float inference agree with
 * TensorFlow Lite.
 *
 * @param scale the output's real value per step
 * @param min the lowest output in steps above the zero point (the activation clamp)
 * @param max the highest output in steps above the zero point
 * @param roundingOffsets what is added before rounding down, in steps: {@code 1/2 + 1/(2F)}, or
 *     {@code 1/2} where {@code F = 1}; one value, or one per output channel for per-channel weights
 * @param inputScale the input's real value per step
 * @param weightScales the weights' real value per step: one value, or one per output channel
 */
public record Requantization(
        float scale,
        int min,
        int max,
        float[] roundingOffsets,
        float inputScale,
        float[] weightScales) {

    /** The real interval the output can take. */
    public float[] range() {
        return new float[] {scale * min, scale * max};
    }

    /**
     * The factors that take output channel {@code c}'s integer accumulator to output steps, {@code
     * inputScale x weightScale / scale}: one value, or one per output channel.
     */
    public float[] multipliers() {
        float[] multipliers = new float[weightScales.length];
        for (int c = 0; c < multipliers.length; c++) {
            multipliers[c] = (float) ((double) inputScale * weightScales[c] / scale);
        }
        return multipliers;
    }

    /**
     * The integer weights {@code w - zeroPoint} behind real ones ({@code values}, with the output
     * channel innermost, as TensorFlow's HWIO and depthwise HWC1 kernels have it).
     */
    public float[] integerWeights(float[] values) {
        float[] steps = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            steps[i] = Math.round(values[i] / weightScales[i % weightScales.length]);
        }
        return steps;
    }

    /** The int32 bias behind a real one: in steps of {@code inputScale x weightScale}. */
    public float[] integerBias(float[] bias) {
        float[] steps = new float[bias.length];
        for (int c = 0; c < bias.length; c++) {
            double unit = (double) inputScale * weightScales[weightScales.length == 1 ? 0 : c];
            steps[c] = Math.round(bias[c] / unit);
        }
        return steps;
    }

    /** The rounding offset of output channel {@code c}. */
    public float roundingOffset(int c) {
        return roundingOffsets[roundingOffsets.length == 1 ? 0 : c];
    }

    /**
     * The requantization of a layer.
     *
     * @param inputScale the scale of the layer's input
     * @param weightScales the weights' scale, one value or one per output channel
     * @param outputScale the output's scale
     * @param zeroPoint the output's zero point
     * @param qmin the smallest integer of the output type (0 for uint8, -128 for int8)
     * @param qmax the largest (255 or 127)
     * @param relu6 whether a ReLU6 is fused, clamping the output to [0, 6]
     */
    public static Requantization of(
            double inputScale,
            float[] weightScales,
            double outputScale,
            long zeroPoint,
            int qmin,
            int qmax,
            boolean relu6) {
        float[] offsets = new float[weightScales.length];
        for (int c = 0; c < offsets.length; c++) {
            double multiplier = inputScale * weightScales[c] / outputScale;
            // frexp: multiplier = m x 2^e with m in [0.5, 1); the kernels shift right by k = -e.
            int k = Math.max(0, -(Math.getExponent(multiplier) + 1));
            offsets[c] = k == 0 ? 0.5f : (float) (0.5 + Math.scalb(0.5, -k));
        }
        long low = relu6 ? Math.max(qmin, zeroPoint) : qmin;
        long high = relu6 ? Math.min(qmax, zeroPoint + Math.round(6 / outputScale)) : qmax;
        return new Requantization(
                (float) outputScale,
                (int) (low - zeroPoint),
                (int) (high - zeroPoint),
                offsets,
                (float) inputScale,
                weightScales.clone());
    }
}
