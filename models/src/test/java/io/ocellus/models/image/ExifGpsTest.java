package io.ocellus.models.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import io.ocellus.models.testutils.SharedFixtures;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** GPS positions from EXIF, written here into JPEGs byte by byte; malformed data gives none. */
class ExifGpsTest {
    @Test
    void readsNorthWestAndSouthEastInBothByteOrders() throws IOException {
        byte[] pittsburgh =
                withExif(
                        jpeg(), tiff(ByteOrder.BIG_ENDIAN, 'N', 40, 26, 46302, 'W', 79, 58, 56000));
        ExifGps.Location location = ExifGps.of(pittsburgh);
        assertThat(location.latitude()).isCloseTo(40 + 26 / 60.0 + 46.302 / 3600, offset(1e-9));
        assertThat(location.longitude()).isCloseTo(-(79 + 58 / 60.0 + 56.0 / 3600), offset(1e-9));

        byte[] sydney =
                withExif(
                        jpeg(),
                        tiff(ByteOrder.LITTLE_ENDIAN, 'S', 33, 52, 7680, 'E', 151, 12, 33480));
        ExifGps.Location south = ExifGps.of(sydney);
        assertThat(south.latitude()).isCloseTo(-33.868800, offset(1e-6));
        assertThat(south.longitude()).isCloseTo(151.209300, offset(1e-6));
    }

    /**
     * The 32 iPhone files of {@code geo-exif-phone}: position within 1 m of their {@code
     * locations.csv} (decoded from the same tags by other software) and altitude within 0.5 m.
     */
    @Test
    void readsRealPhoneFilesAsTheirPublishedPlaces() throws IOException {
        Path set = SharedFixtures.dataset("geo-exif-phone");
        List<String> rows = Files.readAllLines(set.resolve("locations.csv"));
        assertThat(rows).hasSize(33);
        for (String row : rows.subList(1, rows.size())) {
            String[] f = row.split(",");
            ExifGps.Location read =
                    ExifGps.of(Files.readAllBytes(set.resolve("images").resolve(f[0])));
            assertThat(read).as(f[0]).isNotNull();
            double metres =
                    1000
                            * io.ocellus.models.testutils.Haversine.km(
                                    read.latitude(),
                                    read.longitude(),
                                    Double.parseDouble(f[1]),
                                    Double.parseDouble(f[2]));
            assertThat(metres).as("%s: metres from the published place", f[0]).isLessThan(1);
            assertThat(read.altitudeMetres())
                    .as(f[0])
                    .isCloseTo(Double.parseDouble(f[4]), offset(0.5));
            // these files keep the compass heading in Mapillary's JSON, not in GPSImgDirection
            if (read.directionDegrees() != null) {
                assertThat(read.directionDegrees())
                        .as(f[0])
                        .isCloseTo(Double.parseDouble(f[5]), offset(0.01));
            }
        }
    }

    @Test
    void missingOrMalformedDataGivesNoLocation() throws IOException {
        byte[] plain = jpeg();
        assertThat(ExifGps.of(plain)).isNull();
        assertThat(ExifGps.of(new byte[0])).isNull();
        assertThat(ExifGps.of("not a jpeg".getBytes())).isNull();
        byte[] tiff = tiff(ByteOrder.BIG_ENDIAN, 'N', 40, 26, 46302, 'W', 79, 58, 56000);
        // A reference that is neither N nor S.
        byte[] badRef = tiff.clone();
        badRef[indexOf(badRef, (byte) 'N')] = 'X';
        assertThat(ExifGps.of(withExif(plain, badRef))).isNull();
        // Cut short: offsets point past the end.
        assertThat(ExifGps.of(withExif(plain, Arrays.copyOf(tiff, 70)))).isNull();
        // A zero denominator.
        byte[] zero = tiff.clone();
        ByteBuffer.wrap(zero).putInt(84, 0);
        assertThat(ExifGps.of(withExif(plain, zero))).isNull();
        // Degrees out of range.
        assertThat(
                        ExifGps.of(
                                withExif(
                                        plain,
                                        tiff(ByteOrder.BIG_ENDIAN, 'N', 95, 0, 0, 'E', 10, 0, 0))))
                .isNull();
    }

    @Test
    void readsAltitudeBelowSeaLevelAndTheCameraDirection() throws IOException {
        ByteBuffer b = ByteBuffer.allocate(180).order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
        b.putShort((short) 1);
        b.putShort((short) 0x8825).putShort((short) 4).putInt(1).putInt(26);
        b.putInt(0);
        // GPS IFD at 26: seven entries, rationals from 116.
        b.putShort((short) 7);
        b.putShort((short) 1).putShort((short) 2).putInt(2).put((byte) 'N').put(new byte[3]);
        b.putShort((short) 2).putShort((short) 5).putInt(3).putInt(116);
        b.putShort((short) 3).putShort((short) 2).putInt(2).put((byte) 'E').put(new byte[3]);
        b.putShort((short) 4).putShort((short) 5).putInt(3).putInt(140);
        b.putShort((short) 5).putShort((short) 1).putInt(1).put((byte) 1).put(new byte[3]);
        b.putShort((short) 6).putShort((short) 5).putInt(1).putInt(164);
        b.putShort((short) 0x11).putShort((short) 5).putInt(1).putInt(172);
        b.putInt(0);
        b.putInt(31).putInt(1).putInt(30).putInt(1).putInt(0).putInt(1); // Dead Sea shore
        b.putInt(35).putInt(1).putInt(30).putInt(1).putInt(0).putInt(1);
        b.putInt(4305).putInt(10); // 430.5 m, below sea level by the reference byte
        b.putInt(27150).putInt(100); // 271.5 degrees
        ExifGps.Location location = ExifGps.of(withExif(jpeg(), b.array()));
        assertThat(location.latitude()).isCloseTo(31.5, offset(1e-9));
        assertThat(location.altitudeMetres()).isEqualTo(-430.5);
        assertThat(location.directionDegrees()).isEqualTo(271.5);
        // the position's own tests: no altitude or direction tags, none reported
        ExifGps.Location plain =
                ExifGps.of(
                        withExif(
                                jpeg(),
                                tiff(
                                        ByteOrder.BIG_ENDIAN,
                                        'N',
                                        40,
                                        26,
                                        46302,
                                        'W',
                                        79,
                                        58,
                                        56000)));
        assertThat(plain.altitudeMetres()).isNull();
        assertThat(plain.directionDegrees()).isNull();
    }

    private static int indexOf(byte[] bytes, byte value) {
        for (int i = 26; i < bytes.length; i++) {
            if (bytes[i] == value) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }

    /**
     * A TIFF block: IFD0 with one entry pointing to a GPS IFD with the four position tags, the six
     * rationals after it (seconds in thousandths).
     */
    private static byte[] tiff(
            ByteOrder order,
            char latRef,
            int latDeg,
            int latMin,
            int latSecMilli,
            char lonRef,
            int lonDeg,
            int lonMin,
            int lonSecMilli) {
        ByteBuffer b = ByteBuffer.allocate(128).order(order);
        b.put(order == ByteOrder.BIG_ENDIAN ? (byte) 'M' : (byte) 'I');
        b.put(order == ByteOrder.BIG_ENDIAN ? (byte) 'M' : (byte) 'I');
        b.putShort((short) 42).putInt(8);
        // IFD0 at 8: one entry, GPS IFD pointer -> 26.
        b.putShort((short) 1);
        b.putShort((short) 0x8825).putShort((short) 4).putInt(1).putInt(26);
        b.putInt(0);
        // GPS IFD at 26: four entries, rationals at 80 and 104.
        b.putShort((short) 4);
        b.putShort((short) 1).putShort((short) 2).putInt(2).put((byte) latRef).put(new byte[3]);
        b.putShort((short) 2).putShort((short) 5).putInt(3).putInt(80);
        b.putShort((short) 3).putShort((short) 2).putInt(2).put((byte) lonRef).put(new byte[3]);
        b.putShort((short) 4).putShort((short) 5).putInt(3).putInt(104);
        b.putInt(0);
        b.putInt(latDeg).putInt(1).putInt(latMin).putInt(1).putInt(latSecMilli).putInt(1000);
        b.putInt(lonDeg).putInt(1).putInt(lonMin).putInt(1).putInt(lonSecMilli).putInt(1000);
        return Arrays.copyOf(b.array(), b.position());
    }

    /** The JPEG with an APP1 Exif segment holding {@code tiff} right after its SOI. */
    private static byte[] withExif(byte[] jpeg, byte[] tiff) {
        int length = 2 + 6 + tiff.length;
        ByteBuffer out = ByteBuffer.allocate(jpeg.length + 2 + length);
        out.put(jpeg, 0, 2);
        out.put((byte) 0xFF).put((byte) 0xE1).putShort((short) length);
        out.put(new byte[] {'E', 'x', 'i', 'f', 0, 0}).put(tiff);
        out.put(jpeg, 2, jpeg.length - 2);
        return out.array();
    }

    private static byte[] jpeg() throws IOException {
        BufferedImage image = new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return out.toByteArray();
    }
}
