package io.ocellus.pipeline.testutils;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * A geotagged near-duplicate set made from ordinary photos: every photo is given a place (half of
 * them within 10 km of one of 12 cities, half anywhere on Earth) and becomes a reference; a share
 * of them is altered (the central 90%, half the size, or re-encoded at JPEG quality 0.6, in turn)
 * into queries with the same place. Writes the pictures and {@code locations.csv} ({@code
 * file,latitude, longitude,role,original}) into a folder. Deterministic for a seed.
 */
public final class PlacedImages {
    private static final double[][] CITIES = {
        {48.8566, 2.3522}, {40.7128, -74.0060}, {35.6762, 139.6503}, {-33.8688, 151.2093},
        {51.5074, -0.1278}, {-23.5505, -46.6333}, {30.0444, 31.2357}, {19.0760, 72.8777},
        {55.7558, 37.6173}, {-1.2921, 36.8219}, {37.7749, -122.4194}, {1.3521, 103.8198}
    };

    private PlacedImages() {}

    /**
     * Writes the set.
     *
     * @param photos the photos to place, in order
     * @param queries how many of them (spread over the list) get an altered copy
     */
    public static void write(List<Path> photos, int queries, Path into, long seed)
            throws IOException {
        Random random = new Random(seed);
        Files.createDirectories(into);
        try (Writer csv =
                Files.newBufferedWriter(into.resolve("locations.csv"), StandardCharsets.UTF_8)) {
            csv.write("file,latitude,longitude,role,original\n");
            int step = Math.max(1, photos.size() / Math.max(1, queries));
            for (int i = 0; i < photos.size(); i++) {
                Path photo = photos.get(i);
                double[] place = i % 2 == 0 ? nearCity(random) : anywhere(random);
                String name = photo.getFileName().toString();
                Files.copy(photo, into.resolve(name));
                csv.write(row(name, place, "reference", name));
                if (i % step == 0 && i / step < queries) {
                    String altered = "altered_" + (i / step % 3) + "_" + name;
                    alter(photo, i / step % 3, into.resolve(altered));
                    csv.write(row(altered, place, "query", name));
                }
            }
        }
    }

    private static String row(String file, double[] place, String role, String original) {
        return String.format(
                Locale.ROOT, "%s,%.6f,%.6f,%s,%s%n", file, place[0], place[1], role, original);
    }

    private static double[] nearCity(Random random) {
        double[] city = CITIES[random.nextInt(CITIES.length)];
        double km = 10 * Math.sqrt(random.nextDouble());
        double bearing = 2 * Math.PI * random.nextDouble();
        double latitude = city[0] + km / 111.2 * Math.cos(bearing);
        double longitude =
                city[1] + km / (111.2 * Math.cos(Math.toRadians(city[0]))) * Math.sin(bearing);
        return new double[] {latitude, longitude};
    }

    private static double[] anywhere(Random random) {
        double latitude = Math.toDegrees(Math.asin(2 * random.nextDouble() - 1));
        double longitude = 360 * random.nextDouble() - 180;
        return new double[] {latitude, longitude};
    }

    /** 0: the central 90%; 1: half the size; 2: re-encoded at quality 0.6. */
    private static void alter(Path photo, int how, Path to) throws IOException {
        BufferedImage image = ImageIO.read(photo.toFile());
        int w = image.getWidth();
        int h = image.getHeight();
        BufferedImage altered =
                switch (how) {
                    case 0 -> copy(image.getSubimage(w / 20, h / 20, w - w / 10, h - h / 10));
                    case 1 -> scaled(image, Math.max(1, w / 2), Math.max(1, h / 2));
                    default -> image;
                };
        writeJpeg(altered, how == 2 ? 0.6f : 0.9f, to);
    }

    private static BufferedImage copy(BufferedImage image) {
        return scaled(image, image.getWidth(), image.getHeight());
    }

    private static BufferedImage scaled(BufferedImage image, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        var g = out.createGraphics();
        try {
            g.setRenderingHint(
                    java.awt.RenderingHints.KEY_INTERPOLATION,
                    java.awt.RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.drawImage(image, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    private static void writeJpeg(BufferedImage image, float quality, Path to) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(quality);
        try (ImageOutputStream out = ImageIO.createImageOutputStream(to.toFile())) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), param);
        } finally {
            writer.dispose();
        }
    }
}
