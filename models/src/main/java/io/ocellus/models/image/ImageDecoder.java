package io.ocellus.models.image;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import io.ocellus.models.image.ImageDecodingException.Reason;
import io.ocellus.models.inference.RgbImage;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes JPEG (including CMYK and YCCK), PNG, BMP, GIF (first frame) and WebP into 8-bit RGB,
 * turning JPEGs upright by their EXIF orientation. JPEG pixels are TensorFlow's {@code DecodeJpeg}
 * pixels (libjpeg-turbo, no colour management; see {@link #decode(byte[])}); other formats go
 * through ImageIO and the TwelveMonkeys plugins. Grayscale, palette and 16-bit images are
 * converted; transparent pixels are composited on black, as TensorFlow's decoders drop alpha. The
 * pixel count is checked from the header before any pixel is decoded. Thread-safe.
 */
public final class ImageDecoder {
    /** The default limit on width x height: 50 megapixels. */
    public static final long DEFAULT_MAX_PIXELS = 50_000_000L;

    /**
     * The warnings of ImageIO's JPEG reader (the JDK's, under TwelveMonkeys') that mean the data
     * ended early.
     */
    private static final Pattern TRUNCATED =
            Pattern.compile("Truncated File|Premature end of JPEG file");

    private final long maxPixels;
    private final ScaledJpegDecoder scaler;
    private final int minSide;

    static {
        ImageIO.setUseCache(false); // no temporary files per decode
    }

    public ImageDecoder() {
        this(DEFAULT_MAX_PIXELS);
    }

    public ImageDecoder(long maxPixels) {
        this(maxPixels, null, 0);
    }

    private ImageDecoder(long maxPixels, ScaledJpegDecoder scaler, int minSide) {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
        }
        this.maxPixels = maxPixels;
        this.scaler = scaler;
        this.minSide = minSide;
    }

    /**
     * A decoder that decodes large JPEGs scaled down in the DCT by 2, 4 or 8, as long as the
     * shorter side stays at least {@code minSide} pixels (the network's resolution, say), and every
     * other JPEG TensorFlow takes at full size with the same decoder, so that all JPEGs get
     * TensorFlow's pixels. The caller keeps and closes {@code scaler}. Other formats, and 12-bit or
     * lossless JPEGs, take the full decoder.
     */
    public ImageDecoder withJpegScaling(ScaledJpegDecoder scaler, int minSide) {
        if (minSide < 1) {
            throw new IllegalArgumentException("minSide must be positive, got " + minSide);
        }
        return new ImageDecoder(maxPixels, Objects.requireNonNull(scaler), minSide);
    }

    /**
     * The size a JPEG declares in its frame header, {@code {width, height}} as coded (before any
     * EXIF orientation), or null when the bytes are not a JPEG with a readable header.
     */
    public static int[] jpegSize(byte[] encoded) {
        JpegFrameHeader header = JpegFrameHeader.read(encoded);
        return header == null ? null : new int[] {header.width(), header.height()};
    }

    /** Reads and decodes a file. */
    public RgbImage decode(Path file) throws IOException, ImageDecodingException {
        return decode(Files.readAllBytes(file));
    }

    /**
     * Decodes encoded bytes. JPEGs follow TensorFlow's {@code DecodeJpeg}: with a scaler, every
     * JPEG it takes is decoded by it (scaled in the DCT when large); otherwise ImageIO decodes the
     * components and {@link JpegColor} converts them as libjpeg does. Colour profiles are ignored
     * on both paths.
     */
    public RgbImage decode(byte[] encoded) throws ImageDecodingException {
        if (encoded.length == 0) {
            throw new ImageDecodingException(Reason.EMPTY, "empty input: zero bytes");
        }
        JpegFrameHeader header = JpegFrameHeader.read(encoded);
        if (header == null) {
            return decodeWithImageIo(encoded);
        }
        checkPixels(header.width(), header.height());
        RgbImage coded =
                scaler != null && header.tensorFlowDecodes()
                        ? scaler.decode(
                                encoded,
                                ScaledJpegDecoder.ratioFor(
                                        header.width(), header.height(), minSide))
                        : decodeJpegComponents(encoded, header);
        stopIfAbandoned();
        return ExifOrientation.apply(coded, ExifOrientation.of(encoded));
    }

    /**
     * A decode past its deadline is abandoned by interrupting its thread; it then makes no second
     * copy of its pixels (turned by EXIF, or converted to RGB): at 50 megapixels that is 150 MB
     * more for a result nobody reads.
     */
    private static void stopIfAbandoned() throws ImageDecodingException {
        if (Thread.currentThread().isInterrupted()) {
            throw new ImageDecodingException(
                    Reason.UNDECODABLE, "decode abandoned: it ran past its time limit");
        }
    }

    /**
     * The full decode of a JPEG: ImageIO's raw raster (no colour conversion, so no profile is
     * applied), converted to RGB with libjpeg's arithmetic. Warnings about metadata (colour
     * profiles, CMYK without a profile, thumbnails) are not errors; a file that ends before its
     * last line is, as it is for TensorFlow. Damage libjpeg repairs inside the file (corrupt
     * entropy data resynchronised at the next marker, bytes after the end marker) is decoded as
     * repaired.
     */
    private RgbImage decodeJpegComponents(byte[] encoded, JpegFrameHeader header)
            throws ImageDecodingException {
        JpegColorSpace space = header.colorSpace();
        if (space == JpegColorSpace.UNKNOWN) {
            throw new ImageDecodingException(
                    Reason.UNDECODABLE,
                    String.format("JPEG with %d colour components", header.components()));
        }
        return withReader(
                encoded,
                (reader, warnings) -> {
                    Raster raster = reader.readRaster(0, null);
                    for (String warning : warnings) {
                        if (TRUNCATED.matcher(warning).find()) {
                            throw new ImageDecodingException(
                                    Reason.UNDECODABLE,
                                    String.format(
                                            "truncated JPEG image of %d bytes: %s",
                                            encoded.length, String.join("; ", warnings)));
                        }
                    }
                    if (raster.getNumBands() != header.components()) {
                        throw new ImageDecodingException(
                                Reason.UNDECODABLE,
                                String.format(
                                        "JPEG header says %d components, decoder gave %d",
                                        header.components(), raster.getNumBands()));
                    }
                    return JpegColor.toRgb(raster, space, header.adobeInverted());
                });
    }

    /** Formats other than JPEG (and JPEG-like bytes without a readable frame header). */
    private RgbImage decodeWithImageIo(byte[] encoded) throws ImageDecodingException {
        return withReader(
                encoded,
                (reader, warnings) -> {
                    BufferedImage image = reader.read(0);
                    if (!warnings.isEmpty()) {
                        // ImageIO fills what it could not read with grey and only warns: a
                        // truncated or corrupt frame would be classified as if it were whole.
                        throw new ImageDecodingException(
                                Reason.UNDECODABLE,
                                String.format(
                                        "truncated or corrupt %s image: %s",
                                        reader.getFormatName(), String.join("; ", warnings)));
                    }
                    return toRgb(image);
                });
    }

    @FunctionalInterface
    private interface ReaderAction {
        RgbImage read(ImageReader reader, List<String> warnings)
                throws IOException, ImageDecodingException;
    }

    /**
     * Finds ImageIO's reader for the bytes, checks the pixel count in its header, and runs {@code
     * action} with the warnings it collects.
     */
    private RgbImage withReader(byte[] encoded, ReaderAction action) throws ImageDecodingException {
        // Not ImageIO.createImageInputStream / getImageReaders: see ImageReaders.
        try (ImageInputStream input = new ByteArrayImageInputStream(encoded)) {
            ImageReader reader = ImageReaders.find(input);
            if (reader == null) {
                throw new ImageDecodingException(
                        Reason.UNSUPPORTED_FORMAT,
                        "unknown image format (not JPEG, PNG, BMP, GIF or WebP)");
            }
            try {
                reader.setInput(input, true, true);
                checkPixels(reader.getWidth(0), reader.getHeight(0));
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                return action.read(reader, warnings);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            throw new ImageDecodingException(
                    Reason.UNDECODABLE,
                    String.format(
                            "cannot decode %d-byte image: %s", encoded.length, e.getMessage()),
                    e);
        }
    }

    private void checkPixels(int width, int height) throws ImageDecodingException {
        long pixels = (long) width * height;
        if (pixels > maxPixels) {
            throw new ImageDecodingException(
                    Reason.TOO_LARGE,
                    String.format(
                            "image of %dx%d has %d pixels, over the limit of %d",
                            width, height, pixels, maxPixels));
        }
    }

    private static RgbImage toRgb(BufferedImage image) throws ImageDecodingException {
        stopIfAbandoned();
        BufferedImage bgr = image;
        if (image.getType() != BufferedImage.TYPE_3BYTE_BGR) {
            bgr =
                    new BufferedImage(
                            image.getWidth(), image.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
            Graphics2D g = bgr.createGraphics();
            try {
                g.drawImage(image, 0, 0, null);
            } finally {
                g.dispose();
            }
        }
        byte[] data = ((DataBufferByte) bgr.getRaster().getDataBuffer()).getData();
        byte[] rgb = new byte[data.length];
        for (int i = 0; i < data.length; i += 3) {
            rgb[i] = data[i + 2];
            rgb[i + 1] = data[i + 1];
            rgb[i + 2] = data[i];
        }
        return new RgbImage(bgr.getWidth(), bgr.getHeight(), rgb);
    }
}
