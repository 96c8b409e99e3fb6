package io.ocellus.models.image;

import io.ocellus.models.inference.RgbImage;

/**
 * The EXIF orientation of a JPEG (tag 0x0112, values 1 to 8) and how to apply it, so that a photo
 * taken with the phone turned is classified upright. Reads the APP1 "Exif" segment's first IFD;
 * anything unreadable counts as orientation 1 (as taken).
 */
final class ExifOrientation {
    private static final int TAG_ORIENTATION = 0x0112;

    private ExifOrientation() {}

    /** The orientation in a JPEG's EXIF data, 1 when there is none. */
    static int of(byte[] jpeg) {
        Integer orientation =
                JpegSegments.find(
                        jpeg,
                        (marker, start, end) ->
                                marker == 0xE1 && JpegSegments.isExif(jpeg, start, end)
                                        ? fromTiff(jpeg, start + 6, end)
                                        : null);
        return orientation == null ? 1 : orientation;
    }

    private static int fromTiff(byte[] b, int tiff, int end) {
        if (tiff + 8 > end) {
            return 1;
        }
        boolean little = b[tiff] == 'I' && b[tiff + 1] == 'I';
        boolean big = b[tiff] == 'M' && b[tiff + 1] == 'M';
        if (!little && !big) {
            return 1;
        }
        int ifd = tiff + u32(b, tiff + 4, little);
        if (ifd < tiff || ifd + 2 > end) {
            return 1;
        }
        int entries = u16(b, ifd, little);
        for (int i = 0; i < entries; i++) {
            int entry = ifd + 2 + i * 12;
            if (entry + 12 > end) {
                return 1;
            }
            if (u16(b, entry, little) == TAG_ORIENTATION) {
                int value = u16(b, entry + 8, little);
                return value >= 1 && value <= 8 ? value : 1;
            }
        }
        return 1;
    }

    /** The image turned upright for an EXIF orientation. */
    static RgbImage apply(RgbImage image, int orientation) {
        if (orientation <= 1 || orientation > 8) {
            return image;
        }
        boolean swap = orientation >= 5; // 5 to 8 exchange width and height
        int w = image.width();
        int h = image.height();
        int outW = swap ? h : w;
        int outH = swap ? w : h;
        byte[] in = image.pixels();
        byte[] out = new byte[in.length];
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> {
                        sx = w - 1 - x;
                        sy = y;
                    }
                    case 3 -> {
                        sx = w - 1 - x;
                        sy = h - 1 - y;
                    }
                    case 4 -> {
                        sx = x;
                        sy = h - 1 - y;
                    }
                    case 5 -> {
                        sx = y;
                        sy = x;
                    }
                    case 6 -> {
                        sx = y;
                        sy = h - 1 - x;
                    }
                    case 7 -> {
                        sx = w - 1 - y;
                        sy = h - 1 - x;
                    }
                    default -> {
                        sx = w - 1 - y;
                        sy = x;
                    } // 8
                }
                System.arraycopy(in, (sy * w + sx) * 3, out, (y * outW + x) * 3, 3);
            }
        }
        return new RgbImage(outW, outH, out);
    }

    private static int u16(byte[] b, int at, boolean little) {
        return little
                ? (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8
                : (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
    }

    private static int u32(byte[] b, int at, boolean little) {
        return little
                ? u16(b, at, true) | u16(b, at + 2, true) << 16
                : u16(b, at, false) << 16 | u16(b, at + 2, false);
    }
}
