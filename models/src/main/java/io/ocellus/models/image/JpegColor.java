package io.ocellus.models.image;

import io.ocellus.models.inference.RgbImage;
import java.awt.image.Raster;

/**
 * Turns a JPEG's decoded components (ImageIO's raw raster: upsampled, no colour conversion) into
 * 8-bit RGB with libjpeg's own fixed-point arithmetic ({@code jdcolor.c}), so that the full decoder
 * gives the pixels TensorFlow's {@code DecodeJpeg} gives: YCbCr by the JFIF equations, grayscale
 * replicated into R = G = B, CMYK and YCCK by TensorFlow's rule (R = C * K / 255 on Adobe's
 * inverted values; 255 - C and 255 - K first when there is no Adobe marker). No colour profile is
 * ever applied. Stateless.
 */
final class JpegColor {
    private static final int SCALE_BITS = 16;
    private static final int ONE_HALF = 1 << (SCALE_BITS - 1);
    private static final int[] CR_R = new int[256];
    private static final int[] CB_B = new int[256];
    private static final int[] CR_G = new int[256];
    private static final int[] CB_G = new int[256];

    static {
        for (int i = 0; i < 256; i++) {
            int x = i - 128;
            CR_R[i] = (fix(1.40200) * x + ONE_HALF) >> SCALE_BITS;
            CB_B[i] = (fix(1.77200) * x + ONE_HALF) >> SCALE_BITS;
            CR_G[i] = -fix(0.71414) * x;
            CB_G[i] = -fix(0.34414) * x + ONE_HALF;
        }
    }

    private JpegColor() {}

    private static int fix(double value) {
        return (int) (value * (1 << SCALE_BITS) + 0.5);
    }

    /** The RGB pixels of a raw raster whose bands hold {@code space}'s components. */
    static RgbImage toRgb(Raster raster, JpegColorSpace space, boolean adobeInverted) {
        int width = raster.getWidth();
        int height = raster.getHeight();
        int bands = raster.getNumBands();
        int[] row = new int[width * bands];
        byte[] rgb = new byte[width * height * 3];
        for (int y = 0; y < height; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, width, 1, row);
            int out = y * width * 3;
            for (int x = 0; x < width; x++, out += 3) {
                convert(space, adobeInverted, row, x * bands, rgb, out);
            }
        }
        return new RgbImage(width, height, rgb);
    }

    private static void convert(
            JpegColorSpace space, boolean inverted, int[] in, int at, byte[] rgb, int out) {
        switch (space) {
            case GRAY -> {
                byte gray = (byte) in[at];
                rgb[out] = gray;
                rgb[out + 1] = gray;
                rgb[out + 2] = gray;
            }
            case RGB -> {
                rgb[out] = (byte) in[at];
                rgb[out + 1] = (byte) in[at + 1];
                rgb[out + 2] = (byte) in[at + 2];
            }
            case YCBCR -> {
                int luma = in[at];
                int cb = in[at + 1];
                int cr = in[at + 2];
                rgb[out] = (byte) clamp(luma + CR_R[cr]);
                rgb[out + 1] = (byte) clamp(luma + ((CB_G[cb] + CR_G[cr]) >> SCALE_BITS));
                rgb[out + 2] = (byte) clamp(luma + CB_B[cb]);
            }
            case CMYK, YCCK -> cmykToRgb(space, inverted, in, at, rgb, out);
            default -> throw new IllegalArgumentException("no RGB conversion for " + space);
        }
    }

    private static void cmykToRgb(
            JpegColorSpace space, boolean inverted, int[] in, int at, byte[] rgb, int out) {
        int c = in[at];
        int m = in[at + 1];
        int y = in[at + 2];
        int k = in[at + 3];
        if (space == JpegColorSpace.YCCK) {
            int luma = c;
            int cb = m;
            int cr = y;
            c = 255 - clamp(luma + CR_R[cr]);
            m = 255 - clamp(luma + ((CB_G[cb] + CR_G[cr]) >> SCALE_BITS));
            y = 255 - clamp(luma + CB_B[cb]);
        }
        if (!inverted) {
            c = 255 - c;
            m = 255 - m;
            y = 255 - y;
            k = 255 - k;
        }
        rgb[out] = (byte) (c * k / 255);
        rgb[out + 1] = (byte) (m * k / 255);
        rgb[out + 2] = (byte) (y * k / 255);
    }

    private static int clamp(int value) {
        return value < 0 ? 0 : Math.min(value, 255);
    }
}
