package io.ocellus.models.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
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
