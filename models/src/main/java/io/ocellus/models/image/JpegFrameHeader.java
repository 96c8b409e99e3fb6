package io.ocellus.models.image;

/**
 * A JPEG's start-of-frame header, read without decoding.
 *
 * @param marker the SOF marker's second byte: 0xC0 baseline, 0xC1 extended, 0xC2 progressive, ...
 * @param precision bits per sample (8 for nearly every JPEG, 12 for some medical and raw ones)
 * @param width pixels per line
 * @param height lines
 * @param components 1 (grayscale), 3 (YCbCr or RGB) or 4 (CMYK or YCCK)
 */
record JpegFrameHeader(int marker, int precision, int width, int height, int components) {
    /** The header of a JPEG, or null when the bytes are not a JPEG or have no readable one. */
    static JpegFrameHeader read(byte[] jpeg) {
        return JpegSegments.find(
                jpeg,
                (marker, start, end) -> {
                    boolean frame =
                            marker >= 0xC0
                                    && marker <= 0xCF
                                    && marker != 0xC4 // DHT
                                    && marker != 0xC8 // JPG extension
                                    && marker != 0xCC; // DAC
                    if (!frame || start + 6 > end) {
                        return null;
                    }
                    return new JpegFrameHeader(
                            marker,
                            jpeg[start] & 0xFF,
                            (jpeg[start + 3] & 0xFF) << 8 | (jpeg[start + 4] & 0xFF),
                            (jpeg[start + 1] & 0xFF) << 8 | (jpeg[start + 2] & 0xFF),
                            jpeg[start + 5] & 0xFF);
                });
    }

    /**
     * Whether libjpeg-turbo's DCT scaling takes this image: 8-bit Huffman-coded (baseline, extended
     * or progressive) grayscale or three-component colour. CMYK, 12-bit, lossless and arithmetic
     * coded images go to the full decoder.
     */
    boolean dctScalable() {
        return precision == 8 && marker <= 0xC2 && (components == 1 || components == 3);
    }
}
