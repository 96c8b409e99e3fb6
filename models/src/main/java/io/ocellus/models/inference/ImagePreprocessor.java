package io.ocellus.models.inference;

/**
 * Crops and resizes an {@link RgbImage} into a slice of a float batch, NHWC, scaled to an input
 * range. Stateless and thread-safe.
 */
public final class ImagePreprocessor {
    private ImagePreprocessor() {}

    /**
     * Writes {@code resolution * resolution * 3} floats at {@code offset} of {@code batch}.
     *
     * @param low the value of a black pixel (-1 for the slim and TensorFlow Lite models)
     * @param high the value of a white pixel (1, or 1 for [0, 1] models with low 0)
     */
    public static void fill(
            RgbImage image,
            Preprocessing mode,
            int resolution,
            float low,
            float high,
            float[] batch,
            int offset) {
        int top = 0;
        int left = 0;
        int height = image.height();
        int width = image.width();
        if (mode == Preprocessing.CENTER_CROP) {
            // tf.image.central_crop: the offset is rounded down, the size follows from it.
            top = (int) ((height - height * Preprocessing.CENTRAL_FRACTION) / 2);
            left = (int) ((width - width * Preprocessing.CENTRAL_FRACTION) / 2);
            height -= 2 * top;
            width -= 2 * left;
        }
        boolean truncate = mode == Preprocessing.STRETCH;
        resizeBilinear(
                image,
                top,
                left,
                height,
                width,
                resolution,
                (high - low) / 255f,
                low,
                truncate,
                batch,
                offset);
    }

    /** TensorFlow's legacy {@code ResizeBilinear} (half_pixel_centers = false) of a window. */
    private static void resizeBilinear(
            RgbImage image,
            int top,
            int left,
            int height,
            int width,
            int size,
            float scale,
            float low,
            boolean truncate,
            float[] out,
            int offset) {
        float yScale = (float) height / size;
        float xScale = (float) width / size;
        int[] x0 = new int[size];
        int[] x1 = new int[size];
        float[] dx = new float[size];
        for (int x = 0; x < size; x++) {
            float in = x * xScale;
            x0[x] = (int) in;
            x1[x] = Math.min(x0[x] + 1, width - 1);
            dx[x] = in - x0[x];
        }
        byte[] px = image.pixels();
        int stride = image.width() * 3;
        int o = offset;
        for (int y = 0; y < size; y++) {
            float in = y * yScale;
            int y0 = (int) in;
            int y1 = Math.min(y0 + 1, height - 1);
            float dy = in - y0;
            int row0 = (top + y0) * stride + left * 3;
            int row1 = (top + y1) * stride + left * 3;
            for (int x = 0; x < size; x++) {
                int a = x0[x] * 3;
                int b = x1[x] * 3;
                for (int c = 0; c < 3; c++) {
                    float tl = px[row0 + a + c] & 0xFF;
                    float tr = px[row0 + b + c] & 0xFF;
                    float bl = px[row1 + a + c] & 0xFF;
                    float br = px[row1 + b + c] & 0xFF;
                    float topValue = tl + (tr - tl) * dx[x];
                    float bottom = bl + (br - bl) * dx[x];
                    float value = topValue + (bottom - topValue) * dy;
                    out[o++] = low + scale * (truncate ? (int) value : value);
                }
            }
        }
    }
}
