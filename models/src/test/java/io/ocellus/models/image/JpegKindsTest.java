package io.ocellus.models.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.ocellus.models.image.ImageDecodingException.Reason;
import io.ocellus.models.inference.RgbImage;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kinds of JPEG that cameras, phones and editors write, made here with libjpeg-turbo's {@code
 * cjpeg} and Java (colour profiles, EXIF and Adobe markers spliced in), decode on both paths, the
 * TensorFlow one and the full ImageIO one, to libjpeg-turbo's {@code djpeg} output within one level
 * per channel; a truncated copy of each is {@code UNDECODABLE} on both. The tools come from
 * Debian's libjpeg-turbo-progs ({@code .ci/run} installs it); without them the test is skipped
 * locally and fails under CI.
 */
class JpegKindsTest {
    /** Levels per channel: CMYK is rounded by djpeg, truncated by TensorFlow. */
    private static final int TOLERANCE = 1;

    private static final int WIDTH = 203;
    private static final int HEIGHT = 151;

    /** Debian's icc-profiles-free: a wide-gamut RGB profile. */
    private static final Path ADOBE_RGB =
            Path.of("/usr/share/color/icc/compatibleWithAdobeRGB1998.icc");

    /** Debian's libgs-common: a CMYK press profile. */
    private static final Path CMYK = Path.of("/usr/share/color/icc/ghostscript/default_cmyk.icc");

    @TempDir static Path dir;

    private static ScaledJpegDecoder scaler;
    private static ImageDecoder full;
    private static ImageDecoder tensorFlow;
    private static Path source;

    @BeforeAll
    static void setUp() throws Exception {
        for (String tool : List.of("cjpeg", "djpeg")) {
            boolean present = onPath(tool);
            if (System.getenv("CI") != null) {
                assertThat(present).as(tool + " on the PATH (libjpeg-turbo-progs)").isTrue();
            }
            assumeThat(present)
                    .as(tool + " not found (apt-get install libjpeg-turbo-progs)")
                    .isTrue();
        }
        scaler = new ScaledJpegDecoder();
        full = new ImageDecoder();
        // a minimum side no image reaches: every JPEG TensorFlow takes, at full size
        tensorFlow = new ImageDecoder().withJpegScaling(scaler, Integer.MAX_VALUE);
        source = dir.resolve("source.ppm");
        Files.write(source, ppm(picture()));
    }

    @AfterAll
    static void tearDown() {
        if (scaler != null) {
            scaler.close();
        }
    }

    @Test
    void decodesEveryKindOnBothPathsAsDjpegDoes() throws Exception {
        Map<String, byte[]> kinds = kinds();
        for (Map.Entry<String, byte[]> kind : kinds.entrySet()) {
            RgbImage expected = djpeg(kind.getValue(), kind.getKey());
            assertClose(kind.getKey() + " (full decoder)", full.decode(kind.getValue()), expected);
            assertClose(
                    kind.getKey() + " (TensorFlow)", tensorFlow.decode(kind.getValue()), expected);
        }
        assertThat(kinds).hasSizeGreaterThanOrEqualTo(16);
    }

    @Test
    void refusesATruncatedCopyOfEveryKindOnBothPaths() throws Exception {
        for (Map.Entry<String, byte[]> kind : kinds().entrySet()) {
            byte[] jpeg = kind.getValue();
            for (int keep : new int[] {jpeg.length * 6 / 10, jpeg.length - 2}) {
                byte[] truncated = Arrays.copyOf(jpeg, keep);
                for (ImageDecoder decoder : List.of(full, tensorFlow)) {
                    assertThatThrownBy(() -> decoder.decode(truncated))
                            .as("%s cut to %d of %d bytes", kind.getKey(), keep, jpeg.length)
                            .isInstanceOf(ImageDecodingException.class)
                            .extracting(e -> ((ImageDecodingException) e).reason())
                            .isEqualTo(Reason.UNDECODABLE);
                }
            }
        }
    }

    @Test
    void decodesRepairableDamageAsLibjpegRepairsItOnBothPaths() throws Exception {
        byte[] jpeg = cjpeg("-restart", "1");
        // garbage before the first restart marker: libjpeg skips it and resynchronises there
        int restart = indexOf(jpeg, new byte[] {(byte) 0xFF, (byte) 0xD0});
        byte[] damaged = splice(jpeg, restart, new byte[] {0x12, 0x34, 0x56, 0x78});
        byte[] trailing =
                concat(jpeg, "bytes after the end marker".getBytes(StandardCharsets.US_ASCII));
        for (byte[] bytes : List.of(damaged, trailing)) {
            RgbImage expected = djpeg(bytes, "damaged");
            assertClose("repaired (full decoder)", full.decode(bytes), expected);
            assertClose("repaired (TensorFlow)", tensorFlow.decode(bytes), expected);
        }
    }

    @Test
    void decodesScaledInTheDctAsDjpegScales() throws Exception {
        byte[] jpeg = cjpeg("-quality", "90");
        for (int ratio : new int[] {2, 4}) {
            Path file = dir.resolve("scaled.jpg");
            Files.write(file, jpeg);
            RgbImage expected =
                    readPnm(run(List.of("djpeg", "-scale", "1/" + ratio, "-pnm", file.toString())));
            assertClose("1/" + ratio, scaler.decode(jpeg, ratio), expected);
        }
    }

    /** Every kind, by name. */
    private static Map<String, byte[]> kinds() throws Exception {
        Map<String, byte[]> kinds = new LinkedHashMap<>();
        byte[] baseline = cjpeg("-quality", "90");
        kinds.put("4:2:0", baseline);
        kinds.put("4:2:2", cjpeg("-sample", "2x1"));
        kinds.put("4:4:4", cjpeg("-sample", "1x1"));
        kinds.put("progressive", cjpeg("-progressive"));
        kinds.put("restart markers", cjpeg("-restart", "1"));
        kinds.put("arithmetic", cjpeg("-arithmetic"));
        kinds.put("grayscale", cjpeg("-grayscale"));
        kinds.put("RGB coded", cjpeg("-rgb"));
        kinds.put("sRGB profile", withIcc(baseline, ICC_Profile.getInstance(ColorSpace.CS_sRGB)));
        kinds.put(
                "linear RGB profile",
                withIcc(baseline, ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB)));
        kinds.put("Adobe RGB profile", withIcc(baseline, systemProfile(ADOBE_RGB)));
        kinds.put(
                "gray with profile",
                withIcc(cjpeg("-grayscale"), ICC_Profile.getInstance(ColorSpace.CS_GRAY)));
        kinds.put("Adobe APP14 on YCbCr", withAdobe(baseline, 1));
        byte[] cmyk = fourComponents();
        kinds.put("CMYK (Adobe)", withAdobe(cmyk, 0));
        kinds.put("YCCK (Adobe)", withAdobe(cmyk, 2));
        kinds.put("CMYK with profile", withIcc(withAdobe(cmyk, 0), systemProfile(CMYK)));
        kinds.put("EXIF orientation 6", ImageDecoderTest.withOrientation(baseline, 6));
        kinds.put("EXIF orientation 3", ImageDecoderTest.withOrientation(baseline, 3));
        return kinds;
    }

    /** A photo-like picture: smooth gradients, a sharp edge and fine texture. */
    private static byte[] picture() {
        byte[] rgb = new byte[WIDTH * HEIGHT * 3];
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int i = (y * WIDTH + x) * 3;
                boolean edge = x > WIDTH / 2 && y > HEIGHT / 3;
                rgb[i] = (byte) (edge ? 230 : x * 255 / WIDTH);
                rgb[i + 1] = (byte) (y * 255 / HEIGHT);
                rgb[i + 2] = (byte) (128 + 100 * Math.sin(x * 0.3) * Math.cos(y * 0.2));
            }
        }
        return rgb;
    }

    private static byte[] ppm(byte[] rgb) {
        byte[] header =
                String.format("P6\n%d %d\n255\n", WIDTH, HEIGHT)
                        .getBytes(StandardCharsets.US_ASCII);
        return concat(header, rgb);
    }

    private static byte[] cjpeg(String... options) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("cjpeg"));
        command.addAll(List.of(options));
        command.add(source.toString());
        return run(command);
    }

    /** djpeg's pixels, turned by the EXIF orientation as the decoder turns them. */
    private static RgbImage djpeg(byte[] jpeg, String name) throws Exception {
        Path file = dir.resolve("kind.jpg");
        Files.write(file, jpeg);
        RgbImage coded = readPnm(run(List.of("djpeg", "-pnm", file.toString())));
        int orientation = ExifOrientation.of(jpeg);
        return switch (orientation) {
            case 1 -> coded;
            case 3 -> rotate(rotate(coded));
            case 6 -> rotate(coded);
            default -> throw new IllegalArgumentException(name + ": orientation " + orientation);
        };
    }

    /** A quarter turn clockwise, written independently of {@link ExifOrientation}. */
    private static RgbImage rotate(RgbImage image) {
        int w = image.width();
        int h = image.height();
        byte[] out = new byte[w * h * 3];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                // (x, y) goes to column h - 1 - y, row x of an h-wide image
                System.arraycopy(image.pixels(), (y * w + x) * 3, out, (x * h + h - 1 - y) * 3, 3);
            }
        }
        return new RgbImage(h, w, out);
    }

    private static RgbImage readPnm(byte[] pnm) {
        String[] fields = new String[4];
        int at = 0;
        for (int f = 0; f < 4; f++) {
            while (Character.isWhitespace(pnm[at])) {
                at++;
            }
            int start = at;
            while (!Character.isWhitespace(pnm[at])) {
                at++;
            }
            fields[f] = new String(pnm, start, at - start, StandardCharsets.US_ASCII);
        }
        at++;
        int width = Integer.parseInt(fields[1]);
        int height = Integer.parseInt(fields[2]);
        byte[] rgb = new byte[width * height * 3];
        if (fields[0].equals("P5")) {
            for (int i = 0; i < width * height; i++) {
                Arrays.fill(rgb, i * 3, i * 3 + 3, pnm[at + i]);
            }
        } else {
            System.arraycopy(pnm, at, rgb, 0, rgb.length);
        }
        return new RgbImage(width, height, rgb);
    }

    private static void assertClose(String what, RgbImage actual, RgbImage expected) {
        assertThat(new int[] {actual.width(), actual.height()})
                .as("%s: size", what)
                .containsExactly(expected.width(), expected.height());
        int worst = 0;
        for (int i = 0; i < expected.pixels().length; i++) {
            worst =
                    Math.max(
                            worst,
                            Math.abs((actual.pixels()[i] & 0xFF) - (expected.pixels()[i] & 0xFF)));
        }
        assertThat(worst)
                .as("%s: largest difference from djpeg", what)
                .isLessThanOrEqualTo(TOLERANCE);
    }

    /** Four components from the picture (inverted CMY and a K ramp), as the JDK writes them. */
    private static byte[] fourComponents() throws IOException {
        byte[] rgb = picture();
        WritableRaster raster =
                Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, WIDTH, HEIGHT, 4, null);
        for (int y = 0; y < HEIGHT; y++) {
            for (int x = 0; x < WIDTH; x++) {
                int i = (y * WIDTH + x) * 3;
                raster.setPixel(
                        x,
                        y,
                        new int[] {rgb[i] & 0xFF, rgb[i + 1] & 0xFF, rgb[i + 2] & 0xFF, 255 - x});
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(raster, null, null), null);
        } finally {
            writer.dispose();
        }
        return out.toByteArray();
    }

    /** The JPEG with an Adobe APP14 segment of the given colour transform after SOI. */
    private static byte[] withAdobe(byte[] jpeg, int transform) {
        byte[] app14 = {
            (byte) 0xFF,
            (byte) 0xEE,
            0,
            14,
            'A',
            'd',
            'o',
            'b',
            'e',
            0,
            100,
            0,
            0,
            0,
            0,
            (byte) transform
        };
        return splice(jpeg, 2, app14);
    }

    /** The JPEG with the profile in APP2 ICC_PROFILE segments after SOI, as cameras write it. */
    private static byte[] withIcc(byte[] jpeg, ICC_Profile profile) {
        byte[] data = profile.getData();
        int chunk = 65_000;
        int count = (data.length + chunk - 1) / chunk;
        ByteArrayOutputStream segments = new ByteArrayOutputStream();
        for (int n = 0; n < count; n++) {
            int length = Math.min(chunk, data.length - n * chunk);
            int size = 2 + 12 + 2 + length;
            segments.write(0xFF);
            segments.write(0xE2);
            segments.write(size >> 8);
            segments.write(size & 0xFF);
            segments.writeBytes("ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII));
            segments.write(n + 1);
            segments.write(count);
            segments.write(data, n * chunk, length);
        }
        return splice(jpeg, 2, segments.toByteArray());
    }

    private static byte[] splice(byte[] bytes, int at, byte[] inserted) {
        byte[] out = new byte[bytes.length + inserted.length];
        System.arraycopy(bytes, 0, out, 0, at);
        System.arraycopy(inserted, 0, out, at, inserted.length);
        System.arraycopy(bytes, at, out, at + inserted.length, bytes.length - at);
        return out;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        return splice(a, a.length, b);
    }

    private static int indexOf(byte[] bytes, byte[] pattern) {
        for (int i = 0; i + pattern.length <= bytes.length; i++) {
            if (Arrays.equals(bytes, i, i + pattern.length, pattern, 0, pattern.length)) {
                return i;
            }
        }
        throw new IllegalArgumentException("pattern not found");
    }

    /** Skips the test without the tools locally; fails without them under CI. */
    private static void require(boolean present, String what) {
        if (System.getenv("CI") != null) {
            assertThat(present).as(what + " installed by .ci/run").isTrue();
        }
        assumeThat(present).as(what + " not installed: skipped").isTrue();
    }

    private static ICC_Profile systemProfile(Path file) throws IOException {
        return ICC_Profile.getInstance(Files.readAllBytes(file));
    }

    private static boolean onPath(String tool) {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(entry, tool))) {
                return true;
            }
        }
        return false;
    }

    private static byte[] run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        byte[] out = process.getInputStream().readAllBytes();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", command).isTrue();
        assertThat(process.exitValue()).as("%s: %s", command, err).isIn(0, 2); // 2: warnings
        return out;
    }
}
