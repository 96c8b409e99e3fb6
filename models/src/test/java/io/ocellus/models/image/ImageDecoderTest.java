package io.ocellus.models.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocellus.models.inference.RgbImage;
import io.ocellus.models.testutils.SharedFixtures;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {
    private final ImageDecoder decoder = new ImageDecoder();

    @Test
    void decodesGrayscalePngToEqualChannels() throws Exception {
        BufferedImage gray = new BufferedImage(3, 2, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSample(1, 1, 0, 200);
        RgbImage image = decoder.decode(encode(gray, "png"));
        assertThat(image.width()).isEqualTo(3);
        assertThat(image.height()).isEqualTo(2);
        assertThat(new int[] {image.sample(1, 1, 0), image.sample(1, 1, 1), image.sample(1, 1, 2)})
                .containsExactly(200, 200, 200);
        assertThat(image.sample(0, 0, 0)).isZero();
    }

    @Test
    void decodesSixteenBitPngsToTheirHighByte() throws Exception {
        BufferedImage gray = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        gray.getRaster().setSample(1, 0, 0, 200 * 257); // 16-bit 200/255
        BufferedImage rgb =
                new BufferedImage(
                        new java.awt.image.ComponentColorModel(
                                java.awt.color.ColorSpace.getInstance(
                                        java.awt.color.ColorSpace.CS_sRGB),
                                false,
                                false,
                                java.awt.Transparency.OPAQUE,
                                java.awt.image.DataBuffer.TYPE_USHORT),
                        java.awt.image.Raster.createInterleavedRaster(
                                java.awt.image.DataBuffer.TYPE_USHORT, 2, 1, 3, null),
                        false,
                        null);
        rgb.getRaster().setPixel(1, 0, new int[] {65535, 30 * 257, 0});
        RgbImage grayImage = decoder.decode(encode(gray, "png"));
        assertThat(grayImage.sample(1, 0, 0)).isEqualTo(200);
        assertThat(grayImage.sample(1, 0, 2)).isEqualTo(200);
        assertThat(grayImage.sample(0, 0, 0)).isZero();
        RgbImage rgbImage = decoder.decode(encode(rgb, "png"));
        assertThat(
                        new int[] {
                            rgbImage.sample(1, 0, 0),
                            rgbImage.sample(1, 0, 1),
                            rgbImage.sample(1, 0, 2)
                        })
                .containsExactly(255, 30, 0);
    }

    @Test
    void keepsColourChannelsInRgbOrder() throws Exception {
        BufferedImage rgb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(0, 0, 0xFF0000);
        rgb.setRGB(1, 0, 0x0000FF);
        for (String format : new String[] {"png", "bmp", "gif"}) {
            RgbImage image = decoder.decode(encode(rgb, format));
            assertThat(image.sample(0, 0, 0)).as(format).isGreaterThan(200);
            assertThat(image.sample(0, 0, 2)).as(format).isLessThan(50);
            assertThat(image.sample(1, 0, 2)).as(format).isGreaterThan(200);
        }
    }

    @Test
    void turnsJpegsUprightByTheirExifOrientation() throws Exception {
        BufferedImage picture = new BufferedImage(32, 16, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 16; y++) {
            for (int x = 0; x < 32; x++) {
                picture.setRGB(x, y, x < 16 ? 0xFF0000 : 0x0000FF); // red left, blue right
            }
        }
        byte[] jpeg = encode(picture, "jpg");
        RgbImage asTaken = decoder.decode(withOrientation(jpeg, 1));
        assertThat(new int[] {asTaken.width(), asTaken.height()}).containsExactly(32, 16);
        assertThat(red(asTaken, 2, 8)).isTrue();

        RgbImage clockwise = decoder.decode(withOrientation(jpeg, 6)); // the left side goes up
        assertThat(new int[] {clockwise.width(), clockwise.height()}).containsExactly(16, 32);
        assertThat(red(clockwise, 8, 2)).isTrue();
        assertThat(red(clockwise, 8, 29)).isFalse();

        RgbImage counterClockwise = decoder.decode(withOrientation(jpeg, 8)); // left goes down
        assertThat(red(counterClockwise, 8, 29)).isTrue();
        assertThat(red(counterClockwise, 8, 2)).isFalse();

        RgbImage halfTurn = decoder.decode(withOrientation(jpeg, 3));
        assertThat(new int[] {halfTurn.width(), halfTurn.height()}).containsExactly(32, 16);
        assertThat(red(halfTurn, 29, 8)).isTrue();
    }

    @Test
    void anAbandonedDecodeMakesNoSecondCopyOfItsPixels() throws Exception {
        byte[] jpeg = encode(new BufferedImage(32, 16, BufferedImage.TYPE_INT_RGB), "jpg");
        byte[] png = encode(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "png");
        Thread.currentThread().interrupt(); // what the decode deadline does to a late decode
        try {
            for (byte[] image : List.of(withOrientation(jpeg, 6), png)) {
                assertThatThrownBy(() -> decoder.decode(image))
                        .isInstanceOf(ImageDecodingException.class)
                        .hasMessageContaining("abandoned");
            }
        } finally {
            Thread.interrupted();
        }
        assertThat(decoder.decode(png).width()).as("an ordinary decode is untouched").isEqualTo(8);
    }

    private static boolean red(RgbImage image, int x, int y) {
        return image.sample(x, y, 0) > 200 && image.sample(x, y, 2) < 60;
    }

    /** The JPEG with an APP1 Exif segment holding only the orientation tag, right after SOI. */
    static byte[] withOrientation(byte[] jpeg, int orientation) {
        ByteBuffer app1 = ByteBuffer.allocate(36);
        app1.put((byte) 0xFF).put((byte) 0xE1).putShort((short) 34);
        app1.put("Exif".getBytes(java.nio.charset.StandardCharsets.US_ASCII))
                .put((byte) 0)
                .put((byte) 0);
        app1.order(java.nio.ByteOrder.LITTLE_ENDIAN);
        app1.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
        app1.putShort((short) 1); // one entry
        app1.putShort((short) 0x0112)
                .putShort((short) 3)
                .putInt(1)
                .putShort((short) orientation)
                .putShort((short) 0);
        app1.putInt(0); // no next IFD
        byte[] out = new byte[jpeg.length + app1.capacity()];
        System.arraycopy(jpeg, 0, out, 0, 2);
        System.arraycopy(app1.array(), 0, out, 2, app1.capacity());
        System.arraycopy(jpeg, 2, out, 2 + app1.capacity(), jpeg.length - 2);
        return out;
    }

    @Test
    void decodesWebp() throws Exception {
        // 16x8 lossless WebP made with cwebp: left half red, right half blue.
        byte[] webp =
                java.util.Base64.getDecoder()
                        .decode("UklGRiYAAABXRUJQVlA4TBkAAAAvD8ABAA8Q87//8x8OxILJ/KU7U4jof+QAAA==");
        RgbImage image = decoder.decode(webp);
        assertThat(new int[] {image.width(), image.height()}).containsExactly(16, 8);
        assertThat(red(image, 2, 4)).isTrue();
        assertThat(image.sample(13, 4, 2)).isGreaterThan(200);
    }

    @Test
    void decodesCmykJpegs() throws Exception {
        // A four-channel JPEG as print workflows write them (Adobe APP14, CMYK).
        java.awt.image.WritableRaster cmyk =
                java.awt.image.Raster.createInterleavedRaster(
                        java.awt.image.DataBuffer.TYPE_BYTE, 16, 8, 4, null);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 16; x++) {
                cmyk.setPixel(
                        x, y, x < 8 ? new int[] {0, 255, 255, 0} : new int[] {255, 255, 0, 0});
            }
        }
        javax.imageio.ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (javax.imageio.stream.ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new javax.imageio.IIOImage(cmyk, null, null), null);
        } finally {
            writer.dispose();
        }
        RgbImage image = decoder.decode(out.toByteArray());
        assertThat(new int[] {image.width(), image.height()}).containsExactly(16, 8);
        assertThat(image.pixels()).hasSize(16 * 8 * 3);
    }

    @Test
    void compositesTransparentPixelsOnBlack() throws Exception {
        BufferedImage argb = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x00FFFFFF); // fully transparent white
        RgbImage image = decoder.decode(encode(argb, "png"));
        assertThat(image.sample(0, 0, 0)).isZero();
    }

    @Test
    void decodesTheSampleJpegs() throws Exception {
        RgbImage parrot = decoder.decode(SharedFixtures.imagesDir().resolve("parrot.jpg"));
        assertThat(parrot.width()).isPositive();
        assertThat(parrot.pixels()).hasSize(parrot.width() * parrot.height() * 3);
    }

    @Test
    void rejectsEmptyRandomAndTruncatedInputWithAReason() throws Exception {
        assertThatThrownBy(() -> decoder.decode(new byte[0]))
                .hasMessageContaining("zero bytes")
                .extracting(e -> ((ImageDecodingException) e).reason())
                .isEqualTo(ImageDecodingException.Reason.EMPTY);
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        assertThatThrownBy(() -> decoder.decode(noise))
                .hasMessageContaining("unknown image format");
        // Shorter than any format's signature: every reader's check runs out of bytes.
        for (String text : new String[] {"g", "gar", "garbage"}) {
            assertThatThrownBy(() -> decoder.decode(text.getBytes(StandardCharsets.UTF_8)))
                    .extracting(e -> ((ImageDecodingException) e).reason())
                    .as(text)
                    .isEqualTo(ImageDecodingException.Reason.UNSUPPORTED_FORMAT);
        }
        byte[] jpeg = Files.readAllBytes(SharedFixtures.imagesDir().resolve("parrot.jpg"));
        assertThatThrownBy(() -> decoder.decode(Arrays.copyOf(jpeg, jpeg.length / 2)))
                .isInstanceOf(ImageDecodingException.class)
                .extracting(e -> ((ImageDecodingException) e).reason())
                .isEqualTo(ImageDecodingException.Reason.UNDECODABLE);
    }

    @Test
    void refusesAnImageOverThePixelLimitFromItsHeader() throws Exception {
        // A real 1x1 PNG whose header is rewritten to declare 100000 x 100000 pixels.
        byte[] png = encode(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), "png");
        ByteBuffer header =
                ByteBuffer.wrap(png); // signature (8), length (4), "IHDR" (4), data (13), CRC
        header.putInt(16, 100_000).putInt(20, 100_000);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        header.putInt(29, (int) crc.getValue());
        assertThatThrownBy(() -> decoder.decode(png))
                .isInstanceOf(ImageDecodingException.class)
                .hasMessageContaining("over the limit")
                .extracting(e -> ((ImageDecodingException) e).reason())
                .isEqualTo(ImageDecodingException.Reason.TOO_LARGE);
    }

    private static byte[] encode(BufferedImage image, String format) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, format, out)).as("writer for " + format).isTrue();
        return out.toByteArray();
    }
}
