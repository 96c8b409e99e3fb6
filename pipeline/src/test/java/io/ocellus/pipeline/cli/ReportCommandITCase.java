package io.ocellus.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ocellus.models.io.ModelLocator;
import io.ocellus.pipeline.archive.ResultsDir;
import io.ocellus.pipeline.report.ContactSheet;
import io.ocellus.pipeline.report.Screenshots;
import io.ocellus.pipeline.testutils.Samples;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ocellus report} rendered by real headless Chromium (Debian's chromium, installed by
 * .ci/run): the screenshot is not blank and shows every entry's thumbnail where the grid puts it.
 */
class ReportCommandITCase {
    @TempDir Path tmp;

    @Test
    void theScreenshotShowsEveryImage() throws Exception {
        assumeTrue(Screenshots.chromium() != null, "no Chromium on this machine: skipped");
        Path models = ModelLocator.defaultDirectory();
        assumeTrue(models != null && Files.isDirectory(models), "weights not found: skipped");
        Path images = Samples.images();
        List<String> names =
                List.of("parrot.jpg", "pets.jpg", "grace_hopper.bmp", "bird.bmp", "face.jpg");
        Path zip = tmp.resolve("in/shots.zip");
        Files.createDirectories(zip.getParent());
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (String name : names) {
                out.putNextEntry(new ZipEntry(name));
                out.write(Files.readAllBytes(images.resolve(name)));
                out.closeEntry();
            }
            out.putNextEntry(new ZipEntry("notes.txt"));
            out.write("not a picture".getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        }
        Path results = tmp.resolve("results");
        assertThat(
                        cli(
                                "reprocess",
                                "--input",
                                zip.toString(),
                                "--output",
                                results.toString(),
                                "--alpha",
                                "0.25",
                                "--resolution",
                                "128",
                                "--no-progress"))
                .isZero();

        Path html = tmp.resolve("report/report.html");
        Path png = tmp.resolve("report/report.png");
        assertThat(
                        cli(
                                "report",
                                "--results",
                                results.toString(),
                                "--output",
                                html.toString(),
                                "--png",
                                png.toString()))
                .isZero();

        String page = Files.readString(html);
        assertThat(Pattern.compile("<figure").matcher(page).results().count()).isEqualTo(6);
        assertThat(Pattern.compile("<img ").matcher(page).results().count()).isEqualTo(5);
        assertThat(page).contains("macaw").contains("UNSUPPORTED_FORMAT");

        ContactSheet sheet =
                ContactSheet.of(new ResultsDir(results.toUri().toString()), 500, 32 << 20);
        BufferedImage shot = ImageIO.read(png.toFile());
        assertThat(shot.getWidth()).isEqualTo(ContactSheet.PAGE_WIDTH);
        assertThat(shot.getHeight()).isEqualTo(sheet.pageHeight());

        // Not blank: many colours over the page.
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < shot.getHeight(); y += 3) {
            for (int x = 0; x < shot.getWidth(); x += 3) {
                colours.add(shot.getRGB(x, y) & 0xFFFFFF);
            }
        }
        assertThat(colours.size()).isGreaterThan(2000);

        // Every thumbnail where its cell is, matching the image; the dead letter's box empty.
        int thumbnails = 0;
        for (int i = 0; i < sheet.cells().size(); i++) {
            ContactSheet.Cell cell = sheet.cells().get(i);
            int[] origin = ContactSheet.thumbnailOrigin(i);
            if (cell.thumbnail() == null) {
                assertThat(cell.failed()).isTrue();
                assertThat(meanDifference(shot, origin, solid(40, 40, 0xDDDDDD))).isLessThan(3);
                continue;
            }
            thumbnails++;
            double difference = meanDifference(shot, origin, cell.thumbnail());
            assertThat(difference).as("cell %d, %s", i, cell.locator()).isLessThan(12);
            // and it is not just any picture: another cell's thumbnail does not match there
            int other = (i + 1) % sheet.cells().size();
            if (sheet.cells().get(other).thumbnail() != null) {
                assertThat(meanDifference(shot, origin, sheet.cells().get(other).thumbnail()))
                        .isGreaterThan(difference + 10);
            }
        }
        assertThat(thumbnails).isEqualTo(names.size());
    }

    @Test
    void theScreenshotShowsEachDetectedBoxWhereTheDetectorPutIt() throws Exception {
        assumeTrue(Screenshots.chromium() != null, "no Chromium on this machine: skipped");
        Path detector = ModelLocator.defaultDetectorDirectory();
        assumeTrue(detector != null && Files.isDirectory(detector), "no detector: skipped");
        Path images = Samples.images();
        Path folder = Files.createDirectories(tmp.resolve("in-detect"));
        for (String name : List.of("grace_hopper.bmp", "cat.bmp", "pets.jpg")) {
            Files.copy(images.resolve(name), folder.resolve(name));
        }
        Path results = tmp.resolve("results-detect");
        assertThat(
                        cli(
                                "reprocess",
                                "--input",
                                folder.toString(),
                                "--output",
                                results.toString(),
                                "--tasks",
                                "detect",
                                "--detector",
                                detector.toString(),
                                "--min-score",
                                "0.5",
                                "--no-progress"))
                .isZero();
        Path html = tmp.resolve("report-detect/report.html");
        Path png = tmp.resolve("report-detect/report.png");
        assertThat(
                        cli(
                                "report",
                                "--results",
                                results.toString(),
                                "--output",
                                html.toString(),
                                "--png",
                                png.toString()))
                .isZero();
        assertThat(Files.readString(html)).contains("class=\"box\"").contains("person");

        ContactSheet sheet =
                ContactSheet.of(new ResultsDir(results.toUri().toString()), 500, 32 << 20);
        BufferedImage shot = ImageIO.read(png.toFile());
        int boxes = 0;
        for (int i = 0; i < sheet.cells().size(); i++) {
            ContactSheet.Cell cell = sheet.cells().get(i);
            int[] origin = ContactSheet.thumbnailOrigin(i);
            for (ContactSheet.Box box : cell.boxes()) {
                boxes++;
                int[] at = box.on(cell.thumbnail());
                // The left and right borders, sampled down their middle half: magenta.
                int hits = 0;
                int samples = 0;
                for (int y = at[1] + at[3] / 4; y < at[1] + 3 * at[3] / 4; y++) {
                    for (int x : new int[] {at[0] + 1, at[0] + at[2] - 2}) {
                        samples++;
                        hits += isMagenta(shot.getRGB(origin[0] + x, origin[1] + y)) ? 1 : 0;
                    }
                }
                assertThat(hits)
                        .as("%s: box %s at %s", cell.locator(), box, java.util.Arrays.toString(at))
                        .isGreaterThan(samples * 8 / 10);
            }
        }
        assertThat(boxes).as("boxes drawn").isGreaterThanOrEqualTo(3);
        // And no magenta where there is no box: the middle of a box-free stretch of the header.
        assertThat(isMagenta(shot.getRGB(ContactSheet.PAGE_WIDTH - 20, 5))).isFalse();
    }

    private static boolean isMagenta(int rgb) {
        int r = rgb >> 16 & 0xFF;
        int g = rgb >> 8 & 0xFF;
        int b = rgb & 0xFF;
        return r > 200 && g < 60 && b > 200;
    }

    /** Mean absolute difference per channel between the screenshot at origin and the image. */
    private static double meanDifference(BufferedImage shot, int[] origin, BufferedImage image) {
        long total = 0;
        long samples = 0;
        int width = Math.min(image.getWidth(), ContactSheet.THUMB_WIDTH);
        int height = Math.min(image.getHeight(), ContactSheet.THUMB_HEIGHT);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int a = shot.getRGB(origin[0] + x, origin[1] + y);
                int b = image.getRGB(x, y);
                for (int shift = 0; shift <= 16; shift += 8) {
                    total += Math.abs((a >> shift & 0xFF) - (b >> shift & 0xFF));
                    samples++;
                }
            }
        }
        return (double) total / samples;
    }

    private static BufferedImage solid(int width, int height, int rgb) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }

    private static int cli(String... args) {
        CliRun run = CliRun.of(args);
        if (run.code() != 0) {
            System.err.println(run.out() + run.err());
        }
        return run.code();
    }
}
