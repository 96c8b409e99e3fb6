package io.ocellus.models.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class ImagePreprocessorTest {
    /** A one-channel-looking image: every channel of pixel (x, y) holds {@code values[y][x]}. */
    private static RgbImage gray(int[][] values) {
        int h = values.length;
        int w = values[0].length;
        byte[] px = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                for (int c = 0; c < 3; c++) {
                    px[(y * w + x) * 3 + c] = (byte) values[y][x];
                }
            }
        }
        return new RgbImage(w, h, px);
    }

    private static float[] run(RgbImage image, Preprocessing mode, int size) {
        float[] out = new float[size * size * 3];
        ImagePreprocessor.fill(image, mode, size, 0f, 255f, out, 0);
        return out;
    }

    @Test
    void usesTensorFlowsLegacyBilinearWithoutHalfPixelCentres() {
        // 2 -> 4 pixels: sources are x * 0.5 = 0, 0.5, 1, 1.5 (the last clamps to the edge).
        float[] out = run(gray(new int[][] {{0, 100}, {0, 100}}), Preprocessing.CENTER_CROP, 4);
        float[] row = {out[0], out[3], out[6], out[9]};
        assertThat(row).containsExactly(new float[] {0f, 50f, 100f, 100f}, within(1e-4f));
    }

    @Test
    void stretchTruncatesToPixelLevelsAsLabelImage() {
        float[] out = run(gray(new int[][] {{0, 101}, {0, 101}}), Preprocessing.STRETCH, 4);
        assertThat(out[3]).isEqualTo(50f); // 50.5 truncated
    }

    @Test
    void centerCropKeepsTheCentralSeveneighths() {
        int[][] values = new int[16][16];
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 16; x++) {
                values[y][x] = x * 10;
            }
        }
        // central_crop(0.875) of 16: offset (16 - 14) / 2 = 1, size 14; resized to 14 it is the
        // identity.
        float[] out = run(gray(values), Preprocessing.CENTER_CROP, 14);
        assertThat(out[0]).isEqualTo(10f);
        assertThat(out[13 * 3]).isEqualTo(140f);
    }

    @Test
    void mapsBlackAndWhiteToTheInputRange() {
        float[] out = new float[3 * 4];
        ImagePreprocessor.fill(
                gray(new int[][] {{0, 255}}), Preprocessing.STRETCH, 2, -1f, 1f, out, 0);
        assertThat(out[0]).isEqualTo(-1f);
        assertThat(out[3]).isEqualTo(1f);
    }

    @Test
    void theTwoPassResizeIsBitForBitTheOnePassFormula() {
        java.util.Random random = new java.util.Random(7);
        int[][] shapes = {
            {640, 360}, {224, 224}, {256, 256}, {100, 700}, {3, 2}, {1, 1}, {225, 223}
        };
        for (int[] shape : shapes) {
            byte[] px = new byte[shape[0] * shape[1] * 3];
            random.nextBytes(px);
            RgbImage image = new RgbImage(shape[0], shape[1], px);
            for (Preprocessing mode : Preprocessing.values()) {
                for (int size : new int[] {224, 128, 7}) {
                    float[] out = new float[size * size * 3 + 5];
                    ImagePreprocessor.fill(image, mode, size, -1f, 1f, out, 5);
                    float[] expected = onePass(image, mode, size, -1f, 1f);
                    for (int i = 0; i < expected.length; i++) {
                        if (Float.floatToIntBits(out[5 + i]) != Float.floatToIntBits(expected[i])) {
                            throw new AssertionError(
                                    String.format(
                                            "%dx%d %s to %d: float %d is %s, not %s",
                                            shape[0],
                                            shape[1],
                                            mode,
                                            size,
                                            i,
                                            out[5 + i],
                                            expected[i]));
                        }
                    }
                }
            }
        }
    }

    /** TensorFlow's legacy bilinear resize as its one-pass formula, as Ocellus first wrote it. */
    private static float[] onePass(
            RgbImage image, Preprocessing mode, int size, float low, float high) {
        int top = 0;
        int left = 0;
        int height = image.height();
        int width = image.width();
        if (mode == Preprocessing.CENTER_CROP) {
            top = (int) ((height - height * Preprocessing.CENTRAL_FRACTION) / 2);
            left = (int) ((width - width * Preprocessing.CENTRAL_FRACTION) / 2);
            height -= 2 * top;
            width -= 2 * left;
        }
        boolean truncate = mode == Preprocessing.STRETCH;
        float scale = (high - low) / 255f;
        float[] out = new float[size * size * 3];
        float yScale = (float) height / size;
        float xScale = (float) width / size;
        byte[] px = image.pixels();
        int stride = image.width() * 3;
        int o = 0;
        for (int y = 0; y < size; y++) {
            float iny = y * yScale;
            int y0 = (int) iny;
            int y1 = Math.min(y0 + 1, height - 1);
            float dy = iny - y0;
            for (int x = 0; x < size; x++) {
                float inx = x * xScale;
                int x0 = (int) inx;
                int x1 = Math.min(x0 + 1, width - 1);
                float dx = inx - x0;
                for (int c = 0; c < 3; c++) {
                    float tl = px[(top + y0) * stride + (left + x0) * 3 + c] & 0xFF;
                    float tr = px[(top + y0) * stride + (left + x1) * 3 + c] & 0xFF;
                    float bl = px[(top + y1) * stride + (left + x0) * 3 + c] & 0xFF;
                    float br = px[(top + y1) * stride + (left + x1) * 3 + c] & 0xFF;
                    float upper = tl + (tr - tl) * dx;
                    float lower = bl + (br - bl) * dx;
                    float value = upper + (lower - upper) * dy;
                    out[o++] = low + scale * (truncate ? (int) value : value);
                }
            }
        }
        return out;
    }
}
