package io.ocellus.models.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocellus.models.inference.RgbImage;
import io.ocellus.models.testutils.SharedFixtures;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.Arrays;
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
