package io.ocellus.models.image;

import io.ocellus.models.image.ImageDecodingException.Reason;
import io.ocellus.models.inference.RgbImage;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes JPEG (including CMYK and YCCK), PNG, BMP, GIF (first frame) and WebP with ImageIO and the
 * TwelveMonkeys plugins into 8-bit RGB, turning JPEGs upright by their EXIF orientation. Grayscale,
 * palette and 16-bit images are converted; transparent pixels are composited on black, as
 * TensorFlow's decoders drop alpha. The pixel count is checked from the header before any pixel is
 * decoded. Thread-safe.
 */
public final class ImageDecoder {
    /** The default limit on width x height: 50 megapixels. */
    public static final long DEFAULT_MAX_PIXELS = 50_000_000L;

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
     * shorter side stays at least {@code minSide} pixels (the network's resolution, say). The
     * caller keeps and closes {@code scaler}. Other formats, and JPEGs libjpeg cannot scale, decode
     * in full.
     */
    public ImageDecoder withJpegScaling(ScaledJpegDecoder scaler, int minSide) {
        if (minSide < 1) {
            throw new IllegalArgumentException("minSide must be positive, got " + minSide);
        }
        return new ImageDecoder(maxPixels, Objects.requireNonNull(scaler), minSide);
    }

    /** Reads and decodes a file. */
    public RgbImage decode(Path file) throws IOException, ImageDecodingException {
        return decode(Files.readAllBytes(file));
    }

    /** Decodes encoded bytes. */
    public RgbImage decode(byte[] encoded) throws ImageDecodingException {
        if (encoded.length == 0) {
            throw new ImageDecodingException(Reason.EMPTY, "empty input: zero bytes");
        }
        if (scaler != null) {
            JpegFrameHeader header = JpegFrameHeader.read(encoded);
            if (header != null && header.dctScalable()) {
                checkPixels(header.width(), header.height());
                int ratio = ScaledJpegDecoder.ratioFor(header.width(), header.height(), minSide);
                if (ratio > 1) {
                    return ExifOrientation.apply(
                            scaler.decode(encoded, ratio), ExifOrientation.of(encoded));
                }
            }
        }
        try (ImageInputStream input =
                ImageIO.createImageInputStream(new ByteArrayInputStream(encoded))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
            if (!readers.hasNext()) {
                throw new ImageDecodingException(
                        Reason.UNSUPPORTED_FORMAT,
                        "unknown image format (not JPEG, PNG, BMP, GIF or WebP)");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(input, true, true);
                checkPixels(reader.getWidth(0), reader.getHeight(0));
                List<String> warnings = new ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> warnings.add(warning));
                BufferedImage image = reader.read(0);
                if (!warnings.isEmpty()) {
                    // ImageIO fills what it could not read with grey and only warns: a truncated
                    // or corrupt frame would be classified as if it were whole.
                    throw new ImageDecodingException(
                            Reason.UNDECODABLE,
                            String.format(
                                    "truncated or corrupt %s image: %s",
                                    reader.getFormatName(), String.join("; ", warnings)));
                }
                RgbImage rgb = toRgb(image);
                return "JPEG".equalsIgnoreCase(reader.getFormatName())
                        ? ExifOrientation.apply(rgb, ExifOrientation.of(encoded))
                        : rgb;
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

    private static RgbImage toRgb(BufferedImage image) {
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
