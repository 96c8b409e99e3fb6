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

    static {
        ImageIO.setUseCache(false); // no temporary files per decode
    }

    public ImageDecoder() {
        this(DEFAULT_MAX_PIXELS);
    }

    public ImageDecoder(long maxPixels) {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
        }
        this.maxPixels = maxPixels;
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
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > maxPixels) {
                    throw new ImageDecodingException(
                            Reason.TOO_LARGE,
                            String.format(
                                    "image of %dx%d has %d pixels, over the limit of %d",
                                    reader.getWidth(0), reader.getHeight(0), pixels, maxPixels));
                }
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
