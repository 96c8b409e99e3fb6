package io.ocellus.models.image;

/**
 * A JPEG's start-of-frame header and the markers that say how its components are coded (JFIF, Adobe
 * APP14), read without decoding.
 *
 * @param marker the SOF marker's second byte: 0xC0 baseline, 0xC1 extended, 0xC2 progressive, 0xC9
 *     and 0xCA arithmetic coded, ...
 * @param precision bits per sample (8 for nearly every JPEG, 12 for some medical and raw ones)
 * @param width pixels per line
 * @param height lines
 * @param components 1 (grayscale), 3 (YCbCr or RGB) or 4 (CMYK or YCCK)
 * @param componentIds the first three component identifiers packed big-endian (0x010203 as most
 *     encoders write them, 0x524742 for "RGB")
 * @param jfif whether an APP0 JFIF marker precedes the frame
 * @param adobeTransform the Adobe APP14 marker's colour transform (0 none, 1 YCbCr, 2 YCCK), or -1
 *     when there is no such marker
 */
record JpegFrameHeader(
        int marker,
        int precision,
        int width,
        int height,
        int components,
        int componentIds,
        boolean jfif,
        int adobeTransform) {
    private static final int RGB_IDS = 'R' << 16 | 'G' << 8 | 'B';

    /** The header of a JPEG, or null when the bytes are not a JPEG or have no readable one. */
    static JpegFrameHeader read(byte[] jpeg) {
        boolean[] jfif = {false};
        int[] adobe = {-1};
        return JpegSegments.find(
                jpeg,
                (marker, start, end) -> {
                    if (marker == 0xE0 && startsWith(jpeg, start, end, "JFIF\0")) {
                        jfif[0] = true;
                    } else if (marker == 0xEE
                            && start + 12 <= end
                            && startsWith(jpeg, start, end, "Adobe")) {
                        adobe[0] = jpeg[start + 11] & 0xFF;
                    }
                    if (!isFrame(marker) || start + 6 > end) {
                        return null;
                    }
                    int components = jpeg[start + 5] & 0xFF;
                    int ids = 0;
                    for (int c = 0; c < Math.min(3, components); c++) {
                        int at = start + 6 + 3 * c;
                        ids = ids << 8 | (at < end ? jpeg[at] & 0xFF : 0);
                    }
                    return new JpegFrameHeader(
                            marker,
                            jpeg[start] & 0xFF,
                            (jpeg[start + 3] & 0xFF) << 8 | (jpeg[start + 4] & 0xFF),
                            (jpeg[start + 1] & 0xFF) << 8 | (jpeg[start + 2] & 0xFF),
                            components,
                            ids,
                            jfif[0],
                            adobe[0]);
                });
    }

    private static boolean isFrame(int marker) {
        return marker >= 0xC0
                && marker <= 0xCF
                && marker != 0xC4 // DHT
                && marker != 0xC8 // JPG extension
                && marker != 0xCC; // DAC
    }

    private static boolean startsWith(byte[] b, int start, int end, String text) {
        if (start + text.length() > end) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (b[start + i] != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether TensorFlow's {@code DecodeJpeg} (libjpeg-turbo) takes this image, at any DCT scale:
     * 8-bit sequential, progressive or arithmetic coded, with 1, 3 or 4 components. 12-bit and
     * lossless images go to the full decoder.
     */
    boolean tensorFlowDecodes() {
        boolean coding =
                marker == 0xC0
                        || marker == 0xC1
                        || marker == 0xC2
                        || marker == 0xC9
                        || marker == 0xCA;
        return precision == 8 && coding && (components == 1 || components == 3 || components == 4);
    }

    /**
     * How the decoded components map to colour, by libjpeg's rules: JFIF means YCbCr; else the
     * Adobe marker's transform decides; else component identifiers "R", "G", "B" mean RGB. Four
     * components are YCCK under an Adobe transform 2 (or any transform but 0), CMYK otherwise.
     */
    JpegColorSpace colorSpace() {
        return switch (components) {
            case 1 -> JpegColorSpace.GRAY;
            case 3 -> {
                if (jfif) {
                    yield JpegColorSpace.YCBCR;
                }
                if (adobeTransform >= 0) {
                    yield adobeTransform == 0 ? JpegColorSpace.RGB : JpegColorSpace.YCBCR;
                }
                yield componentIds == RGB_IDS ? JpegColorSpace.RGB : JpegColorSpace.YCBCR;
            }
            case 4 -> adobeTransform > 0 ? JpegColorSpace.YCCK : JpegColorSpace.CMYK;
            default -> JpegColorSpace.UNKNOWN;
        };
    }

    /** Whether CMYK values are stored inverted, as Adobe's applications write them. */
    boolean adobeInverted() {
        return adobeTransform >= 0;
    }
}
