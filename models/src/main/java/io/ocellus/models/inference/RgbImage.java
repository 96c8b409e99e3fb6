package io.ocellus.models.inference;

/**
 * A decoded image: 8-bit RGB, interleaved, rows top to bottom.
 *
 * @param width pixels per row, positive
 * @param height rows, positive
 * @param pixels {@code width * height * 3} bytes, R G B per pixel; not copied, do not change it
 */
public record RgbImage(int width, int height, byte[] pixels) {
    public RgbImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException(
                    String.format("image size must be positive, got %dx%d", width, height));
        }
        if (pixels == null || pixels.length != (long) width * height * 3) {
            throw new IllegalArgumentException(
                    String.format(
                            "a %dx%d RGB image needs %d bytes, got %s",
                            width,
                            height,
                            (long) width * height * 3,
                            pixels == null ? "null" : pixels.length));
        }
    }

    /** The channel {@code c} (0 = R) of pixel ({@code x}, {@code y}), 0 to 255. */
    public int sample(int x, int y, int c) {
        return pixels[(y * width + x) * 3 + c] & 0xFF;
    }
}
