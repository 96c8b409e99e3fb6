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
}
