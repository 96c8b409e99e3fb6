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

    /**
     * TensorFlow's legacy {@code ResizeBilinear} (half_pixel_centers = false) of a window, in two
     * passes with the same arithmetic as the one-pass formula: each source row the output needs is
     * interpolated across once ({@code top = tl + (tr - tl) dx}, kept while the next output row
     * needs it too), then each output row is {@code top + (bottom - top) dy} of two such rows, a
     * loop over plain float arrays that the JIT vectorises. A window already at the output size is
     * a copy: every weight is 0.
     */
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
        byte[] px = image.pixels();
        int stride = image.width() * 3;
        int rowFloats = size * 3;
        if (height == size && width == size) {
            for (int y = 0; y < size; y++) {
                int row = (top + y) * stride + left * 3;
                int o = offset + y * rowFloats;
                for (int i = 0; i < rowFloats; i++) {
                    out[o + i] = low + scale * (px[row + i] & 0xFF);
                }
            }
            return;
        }
        Columns columns = new Columns(width, size);
        float yScale = (float) height / size;
        float[] upper = new float[rowFloats];
        float[] lower = new float[rowFloats];
        int upperRow = -1;
        int lowerRow = -1;
        for (int y = 0; y < size; y++) {
            float in = y * yScale;
            int y0 = (int) in;
            int y1 = Math.min(y0 + 1, height - 1);
            float dy = in - y0;
            if (y0 != upperRow) {
                if (y0 == lowerRow) { // the previous lower row is this upper one: swap
                    float[] swap = upper;
                    upper = lower;
                    lower = swap;
                    upperRow = lowerRow;
                    lowerRow = -1;
                } else {
                    columns.interpolate(px, (top + y0) * stride + left * 3, upper);
                    upperRow = y0;
                }
            }
            if (y1 != lowerRow) {
                columns.interpolate(px, (top + y1) * stride + left * 3, lower);
                lowerRow = y1;
            }
            int o = offset + y * rowFloats;
            if (truncate) {
                for (int i = 0; i < rowFloats; i++) {
                    out[o + i] = low + scale * (int) (upper[i] + (lower[i] - upper[i]) * dy);
                }
            } else {
                for (int i = 0; i < rowFloats; i++) {
                    out[o + i] = low + scale * (upper[i] + (lower[i] - upper[i]) * dy);
                }
            }
        }
    }

    /** Where each output column reads its two source pixels, and how far between them it is. */
    private static final class Columns {
        private final int[] left;
        private final int[] right;
        private final float[] weight;

        Columns(int width, int size) {
            float xScale = (float) width / size;
            left = new int[size];
            right = new int[size];
            weight = new float[size];
            for (int x = 0; x < size; x++) {
                float in = x * xScale;
                int x0 = (int) in;
                left[x] = x0 * 3;
                right[x] = Math.min(x0 + 1, width - 1) * 3;
                weight[x] = in - x0;
            }
        }

        /** One source row (starting at {@code row} in {@code px}) across, into {@code into}. */
        void interpolate(byte[] px, int row, float[] into) {
            int o = 0;
            for (int x = 0; x < weight.length; x++) {
                int a = row + left[x];
                int b = row + right[x];
                float dx = weight[x];
                float l0 = px[a] & 0xFF;
                float l1 = px[a + 1] & 0xFF;
                float l2 = px[a + 2] & 0xFF;
                into[o] = l0 + ((px[b] & 0xFF) - l0) * dx;
                into[o + 1] = l1 + ((px[b + 1] & 0xFF) - l1) * dx;
                into[o + 2] = l2 + ((px[b + 2] & 0xFF) - l2) * dx;
                o += 3;
            }
        }
    }
}
