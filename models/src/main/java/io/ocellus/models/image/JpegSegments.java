package io.ocellus.models.image;

/**
 * Walks the marker segments of a JPEG from its start up to the first scan, where the metadata ends.
 * Reads nothing past the buffer: a truncated or malformed header ends the walk.
 */
final class JpegSegments {
    /** Looks at one segment; returns a result to stop the walk, or null to go on. */
    @FunctionalInterface
    interface Reader<T> {
        /**
         * @param marker the marker's second byte (0xE1 for APP1, 0xC0 for SOF0, ...)
         * @param start the first byte after the segment's length field
         * @param end one past the segment's last byte, at most the buffer's length
         */
        T read(int marker, int start, int end);
    }

    private JpegSegments() {}

    /** Whether an APP1 segment starting at {@code at} holds EXIF data ("Exif" and two zeros). */
    static boolean isExif(byte[] b, int at, int end) {
        return at + 6 <= end
                && b[at] == 'E'
                && b[at + 1] == 'x'
                && b[at + 2] == 'i'
                && b[at + 3] == 'f'
                && b[at + 4] == 0
                && b[at + 5] == 0;
    }

    static boolean isJpeg(byte[] bytes) {
        return bytes.length >= 4 && (bytes[0] & 0xFF) == 0xFF && (bytes[1] & 0xFF) == 0xD8;
    }

    /** The first non-null result of {@code reader} over the segments, or null. */
    static <T> T find(byte[] jpeg, Reader<T> reader) {
        if (!isJpeg(jpeg)) {
            return null;
        }
        int pos = 2;
        while (pos + 4 <= jpeg.length && (jpeg[pos] & 0xFF) == 0xFF) {
            int marker = jpeg[pos + 1] & 0xFF;
            if (marker == 0xFF) {
                pos++; // fill byte before a marker
                continue;
            }
            int length = (jpeg[pos + 2] & 0xFF) << 8 | (jpeg[pos + 3] & 0xFF);
            if (marker == 0xDA || length < 2) {
                return null; // start of scan: no more metadata segments
            }
            T result = reader.read(marker, pos + 4, Math.min(jpeg.length, pos + 2 + length));
            if (result != null) {
                return result;
            }
            pos += 2 + length;
        }
        return null;
    }
}
