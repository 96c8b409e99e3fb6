package io.ocellus.models.inference;

import java.io.Serializable;

/**
 * What a model takes as input, enough to pre-process images for it anywhere: the resolution, the
 * pre-processing mode and the input range. Lets a pipeline resize frames in the task that decodes
 * them, so that the task running the model spends its time in the forward pass.
 *
 * @param resolution the input's height and width
 * @param preprocessing crop or stretch
 * @param low the input value of a black pixel
 * @param high the input value of a white pixel
 */
public record InputSpec(int resolution, Preprocessing preprocessing, float low, float high)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public InputSpec {
        if (resolution < 1 || preprocessing == null || !(high > low)) {
            throw new IllegalArgumentException(
                    String.format(
                            "invalid input spec: resolution %d, %s, range [%s, %s]",
                            resolution, preprocessing, low, high));
        }
    }

    /** The input a predictor takes. */
    public static InputSpec of(Predictor predictor) {
        var signature = predictor.signature();
        return new InputSpec(
                signature.resolution(),
                predictor.preprocessing(),
                signature.inputLow(),
                signature.inputHigh());
    }

    /** Floats per image: resolution x resolution x 3. */
    public int size() {
        return resolution * resolution * 3;
    }

    /** The image pre-processed into a new array of {@link #size()} floats, NHWC. */
    public float[] apply(RgbImage image) {
        float[] out = new float[size()];
        ImagePreprocessor.fill(image, preprocessing, resolution, low, high, out, 0);
        return out;
    }
}
