package io.ocellus.models.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ocellus.models.image.ImageDecodingException.Reason;
import io.ocellus.models.inference.EngineOptions;
import io.ocellus.models.inference.InferenceEngine;
import io.ocellus.models.inference.Outputs;
import io.ocellus.models.inference.Prediction;
import io.ocellus.models.inference.RgbImage;
import io.ocellus.models.io.ModelLocator;
import io.ocellus.models.io.ModelSource;
import io.ocellus.models.testutils.SharedFixtures;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ScaledJpegDecoderTest {
    private static ScaledJpegDecoder scaler;
    private static ImageDecoder full;
    private static ImageDecoder scaled;

    @BeforeAll
    static void open() {
        scaler = new ScaledJpegDecoder();
        full = new ImageDecoder();
        scaled = full.withJpegScaling(scaler, 224);
    }

    @AfterAll
    static void close() {
        scaler.close();
    }

    @Test
    void choosesTheLargestRatioThatKeepsTheShorterSide() {
        assertThat(ScaledJpegDecoder.ratioFor(1920, 1080, 224)).isEqualTo(4); // 270 lines
        assertThat(ScaledJpegDecoder.ratioFor(1280, 720, 224)).isEqualTo(2); // 360, not 180
        assertThat(ScaledJpegDecoder.ratioFor(4000, 3000, 224)).isEqualTo(8); // 375
        assertThat(ScaledJpegDecoder.ratioFor(640, 446, 224)).isEqualTo(1); // 223 lines at 1/2
        assertThat(ScaledJpegDecoder.ratioFor(640, 448, 224)).isEqualTo(2);
        assertThat(ScaledJpegDecoder.ratioFor(100, 100, 224)).isEqualTo(1);
    }

    @Test
    void decodesA1080pFrameAtAQuarterWithTheFullDecodesAverages() throws Exception {
        byte[] jpeg = Files.readAllBytes(SharedFixtures.imagesDir().resolve("cat_1080p.jpg"));
        RgbImage whole = full.decode(jpeg);
        RgbImage quarter = scaled.decode(jpeg);
        assertThat(quarter.width()).isEqualTo((whole.width() + 3) / 4);
        assertThat(quarter.height()).isEqualTo((whole.height() + 3) / 4);
        // Scaling in the DCT is close to averaging each 4x4 block of the full decode.
        double error = 0;
        int count = 0;
        for (int y = 0; y < whole.height() / 4; y++) {
            for (int x = 0; x < whole.width() / 4; x++) {
                for (int c = 0; c < 3; c++) {
                    int sum = 0;
                    for (int dy = 0; dy < 4; dy++) {
                        for (int dx = 0; dx < 4; dx++) {
                            sum += whole.sample(4 * x + dx, 4 * y + dy, c);
                        }
                    }
                    error += Math.abs(sum / 16.0 - quarter.sample(x, y, c));
                    count++;
                }
            }
        }
        assertThat(error / count).as("mean absolute difference").isLessThan(3.0);
    }

    @Test
    void keepsTheTopLabelOfEverySampleJpegItScales() throws Exception {
        List<RgbImage> whole = new ArrayList<>();
        List<RgbImage> reduced = new ArrayList<>();
        for (Path file : SharedFixtures.images()) {
            byte[] bytes = Files.readAllBytes(file);
            JpegFrameHeader header = JpegFrameHeader.read(bytes);
            if (header != null
                    && ScaledJpegDecoder.ratioFor(header.width(), header.height(), 224) > 1) {
                whole.add(full.decode(bytes));
                reduced.add(scaled.decode(bytes));
            }
        }
        assertThat(whole).as("sample JPEGs large enough to scale").hasSizeGreaterThanOrEqualTo(2);
        ModelSource source =
                ModelLocator.locate(SharedFixtures.modelDir().toString(), 1.0, 224, null);
        try (InferenceEngine engine = InferenceEngine.open(source, EngineOptions.defaults())) {
            List<Prediction> expected = engine.infer(whole, Outputs.classes(1));
            List<Prediction> actual = engine.infer(reduced, Outputs.classes(1));
            for (int i = 0; i < whole.size(); i++) {
                assertThat(actual.get(i).top().get(0).label())
                        .isEqualTo(expected.get(i).top().get(0).label());
                assertThat(actual.get(i).top().get(0).score())
                        // cat_720p: Egyptian cat 0.88 scaled vs 0.77 in full; the DCT's
                        // averaging aliases less than bilinear sampling every third pixel.
                        .isCloseTo(expected.get(i).top().get(0).score(), within(0.15f));
            }
        }
    }

    @Test
    void decodesSmallJpegsAndOtherFormatsInFull() throws Exception {
        byte[] jpeg = Files.readAllBytes(SharedFixtures.imagesDir().resolve("parrot.jpg"));
        RgbImage whole = full.decode(jpeg);
        RgbImage viaScaler = full.withJpegScaling(scaler, Integer.MAX_VALUE).decode(jpeg);
        assertThat(viaScaler.width()).isEqualTo(whole.width());
        assertThat(viaScaler.pixels()).isEqualTo(whole.pixels());
        byte[] bmp = Files.readAllBytes(SharedFixtures.imagesDir().resolve("grace_hopper.bmp"));
        assertThat(scaled.decode(bmp).pixels()).isEqualTo(full.decode(bmp).pixels());
    }

    @Test
    void keepsTheExifOrientationAndTheGrayscaleAndCmykPaths() throws Exception {
        BufferedImage wide = new BufferedImage(1024, 512, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < 512; x++) {
            for (int y = 0; y < 512; y++) {
                wide.setRGB(x, y, 0xFFFFFF); // left half white
            }
        }
        byte[] jpeg = encode(wide, "jpg");
        RgbImage turned = scaled.decode(ImageDecoderTest.withOrientation(jpeg, 6));
        assertThat(turned.width()).isEqualTo(256); // 1/2 scale, then turned a quarter
        assertThat(turned.height()).isEqualTo(512);
        assertThat(turned.sample(128, 10, 0)).as("white half on top").isGreaterThan(240);
        assertThat(turned.sample(128, 500, 0)).isLessThan(15);

        BufferedImage gray = new BufferedImage(600, 600, BufferedImage.TYPE_BYTE_GRAY);
        gray.getRaster().setSample(0, 0, 0, 255);
        RgbImage grayScaled = scaled.decode(encode(gray, "jpg"));
        assertThat(grayScaled.width()).isEqualTo(300);
        assertThat(grayScaled.sample(150, 150, 0)).isEqualTo(grayScaled.sample(150, 150, 2));
    }

    @Test
    void refusesTruncatedAndOversizedJpegsWithTheirReasons() throws Exception {
        byte[] jpeg = Files.readAllBytes(SharedFixtures.imagesDir().resolve("cat_1080p.jpg"));
        assertThatThrownBy(() -> scaled.decode(Arrays.copyOf(jpeg, jpeg.length / 2)))
                .isInstanceOf(ImageDecodingException.class)
                .extracting(e -> ((ImageDecodingException) e).reason())
                .isEqualTo(Reason.UNDECODABLE);
        ImageDecoder strict = new ImageDecoder(1_000_000).withJpegScaling(scaler, 224);
        assertThatThrownBy(() -> strict.decode(jpeg))
                .hasMessageContaining("1920x1080")
                .extracting(e -> ((ImageDecodingException) e).reason())
                .isEqualTo(Reason.TOO_LARGE);
    }

    private static byte[] encode(BufferedImage image, String format) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThat(ImageIO.write(image, format, out)).isTrue();
        return out.toByteArray();
    }
}
