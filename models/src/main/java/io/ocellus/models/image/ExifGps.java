package io.ocellus.models.image;

/**
 * Where a JPEG was taken, from its EXIF GPS data (the GPS IFD that IFD0's tag 0x8825 points to:
 * latitude and longitude as degrees, minutes and seconds, with N/S and E/W references; the altitude
 * and the direction the camera faced when the file has them). A missing, malformed or out of range
 * latitude or longitude gives no location rather than a wrong one; a malformed altitude or
 * direction is left out.
 */
public final class ExifGps {
    private static final int TAG_GPS_IFD = 0x8825;
    private static final int GPS_LATITUDE_REF = 1;
    private static final int GPS_LATITUDE = 2;
    private static final int GPS_LONGITUDE_REF = 3;
    private static final int GPS_LONGITUDE = 4;
    private static final int GPS_ALTITUDE_REF = 5;
    private static final int GPS_ALTITUDE = 6;
    private static final int GPS_IMG_DIRECTION = 0x11;
    private static final int TYPE_BYTE = 1;
    private static final int TYPE_RATIONAL = 5;

    /**
     * A WGS84 position in degrees.
     *
     * @param altitudeMetres metres above sea level (negative below), or null when not recorded
     * @param directionDegrees the direction the camera faced, degrees clockwise from north (true or
     *     magnetic, as the file says), or null when not recorded
     */
    public record Location(
            double latitude, double longitude, Double altitudeMetres, Double directionDegrees) {
        /** A position without altitude or direction. */
        public Location(double latitude, double longitude) {
            this(latitude, longitude, null, null);
        }
    }

    private ExifGps() {}

    /** The location in a JPEG's EXIF data, or null. */
    public static Location of(byte[] jpeg) {
        try {
            return JpegSegments.find(
                    jpeg,
                    (marker, start, end) ->
                            marker == 0xE1 && JpegSegments.isExif(jpeg, start, end)
                                    ? fromTiff(jpeg, start + 6, end)
                                    : null);
        } catch (RuntimeException e) {
            return null; // a malformed segment table: no location
        }
    }

    private static Location fromTiff(byte[] b, int tiff, int end) {
        if (tiff + 8 > end) {
            return null;
        }
        boolean little = b[tiff] == 'I' && b[tiff + 1] == 'I';
        if (!little && !(b[tiff] == 'M' && b[tiff + 1] == 'M')) {
            return null;
        }
        Tiff t = new Tiff(b, tiff, end, little);
        long ifd0 = t.u32(tiff + 4);
        int gpsEntry = t.find(ifd0, TAG_GPS_IFD);
        if (gpsEntry < 0) {
            return null;
        }
        long gps = t.u32(gpsEntry + 8);
        Double latitude = t.degrees(gps, GPS_LATITUDE);
        Double longitude = t.degrees(gps, GPS_LONGITUDE);
        char latRef = t.ascii(gps, GPS_LATITUDE_REF);
        char lonRef = t.ascii(gps, GPS_LONGITUDE_REF);
        if (latitude == null || longitude == null) {
            return null;
        }
        if (latRef == 'S') {
            latitude = -latitude;
        } else if (latRef != 'N') {
            return null;
        }
        if (lonRef == 'W') {
            longitude = -longitude;
        } else if (lonRef != 'E') {
            return null;
        }
        if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) {
            return null;
        }
        return new Location(latitude, longitude, altitude(t, gps), direction(t, gps));
    }

    private static Double altitude(Tiff t, long gps) {
        Double metres = t.rational(gps, GPS_ALTITUDE);
        if (metres == null) {
            return null;
        }
        int ref = t.find(gps, GPS_ALTITUDE_REF);
        boolean below = ref >= 0 && t.u16(ref + 2) == TYPE_BYTE && t.b()[ref + 8] == 1;
        return below ? -metres : metres;
    }

    private static Double direction(Tiff t, long gps) {
        Double degrees = t.rational(gps, GPS_IMG_DIRECTION);
        return degrees == null || degrees < 0 || degrees > 360 ? null : degrees;
    }

    /** Bounds-checked reads inside one TIFF structure; offsets are from its header. */
    private record Tiff(byte[] b, int base, int end, boolean little) {
        int u16(int at) {
            check(at, 2);
            return little
                    ? (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8
                    : (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
        }

        long u32(int at) {
            check(at, 4);
            long value =
                    little
                            ? (b[at] & 0xFFL)
                                    | (b[at + 1] & 0xFFL) << 8
                                    | (b[at + 2] & 0xFFL) << 16
                                    | (b[at + 3] & 0xFFL) << 24
                            : (b[at] & 0xFFL) << 24
                                    | (b[at + 1] & 0xFFL) << 16
                                    | (b[at + 2] & 0xFFL) << 8
                                    | (b[at + 3] & 0xFFL);
            return value;
        }

        void check(int at, int length) {
            if (at < base || at + length > end) {
                throw new IndexOutOfBoundsException("outside the EXIF data");
            }
        }

        int offset(long fromBase) {
            if (fromBase < 0 || fromBase > end - base) {
                throw new IndexOutOfBoundsException("offset outside the EXIF data");
            }
            return base + (int) fromBase;
        }

        /** The 12-byte entry of {@code tag} in the IFD at {@code ifd}, or -1. */
        int find(long ifd, int tag) {
            int at = offset(ifd);
            int entries = u16(at);
            for (int i = 0; i < entries; i++) {
                int entry = at + 2 + i * 12;
                if (u16(entry) == tag) {
                    return entry;
                }
            }
            return -1;
        }

        char ascii(long ifd, int tag) {
            int entry = find(ifd, tag);
            return entry < 0 ? 0 : (char) (b[entry + 8] & 0xFF);
        }

        /** One unsigned rational, or null when the tag is absent or not one rational. */
        Double rational(long ifd, int tag) {
            int entry = find(ifd, tag);
            if (entry < 0 || u16(entry + 2) != TYPE_RATIONAL || u32(entry + 4) != 1) {
                return null;
            }
            int value = offset(u32(entry + 8));
            long denominator = u32(value + 4);
            return denominator == 0 ? null : (double) u32(value) / denominator;
        }

        /** Three rationals (degrees, minutes, seconds) as decimal degrees, or null. */
        Double degrees(long ifd, int tag) {
            int entry = find(ifd, tag);
            if (entry < 0 || u16(entry + 2) != TYPE_RATIONAL || u32(entry + 4) != 3) {
                return null;
            }
            int values = offset(u32(entry + 8));
            double[] parts = new double[3];
            for (int i = 0; i < 3; i++) {
                long numerator = u32(values + i * 8);
                long denominator = u32(values + i * 8 + 4);
                if (denominator == 0) {
                    return null;
                }
                parts[i] = (double) numerator / denominator;
            }
            return parts[0] + parts[1] / 60 + parts[2] / 3600;
        }
    }
}
