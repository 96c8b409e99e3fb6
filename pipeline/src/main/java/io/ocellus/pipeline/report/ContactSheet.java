package io.ocellus.pipeline.report;

import io.ocellus.models.image.ImageDecoder;
import io.ocellus.models.image.ImageDecodingException;
import io.ocellus.models.inference.RgbImage;
import io.ocellus.pipeline.archive.ArchiveEntries;
import io.ocellus.pipeline.archive.EntryKeys;
import io.ocellus.pipeline.archive.ResultsDir;
import io.ocellus.schemas.Classification;
import io.ocellus.schemas.DeadLetter;
import io.ocellus.schemas.DetectedObject;
import io.ocellus.schemas.Detections;
import io.ocellus.schemas.FrameRef;
import io.ocellus.schemas.ScoredLabel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.core.fs.Path;

/**
 * A contact sheet of a results folder: one cell per entry, a thumbnail of the original image (read
 * back from its archive) with its top labels and its detected objects' boxes drawn over it, or its
 * dead-letter reason. A fixed grid, so that the page looks the same in every browser and a
 * screenshot can be checked cell by cell.
 */
public final class ContactSheet {
    /** Cells per row. */
    public static final int COLUMNS = 5;

    /** A cell's size and the gap between cells, in CSS pixels. */
    public static final int CELL_WIDTH = 220;

    public static final int CELL_HEIGHT = 250;
    public static final int GAP = 10;

    /** The header's height; the grid starts below it. */
    public static final int HEADER = 70;

    /** Thumbnails fit in this box, at the top left of their cell, inside the padding. */
    public static final int THUMB_WIDTH = 200;

    public static final int THUMB_HEIGHT = 150;
    public static final int PADDING = 10;

    /** The page's width. */
    public static final int PAGE_WIDTH = GAP + COLUMNS * (CELL_WIDTH + GAP);

    /**
     * The colour boxes are drawn in: magenta, rare in photographs, easy to find in a screenshot.
     */
    public static final int BOX_COLOUR = 0xFF00FF;

    /** A box's border width in CSS pixels. */
    public static final int BOX_BORDER = 2;

    /** Boxes drawn per thumbnail at most, best first. */
    public static final int MAX_BOXES = 5;

    /** A detected object to draw: normalised corners, label and score. */
    public record Box(String label, float score, float ymin, float xmin, float ymax, float xmax) {
        /** Where its border starts on the thumbnail, in pixels: left, top, width, height. */
        public int[] on(BufferedImage thumbnail) {
            int left = Math.round(xmin * thumbnail.getWidth());
            int top = Math.round(ymin * thumbnail.getHeight());
            int right = Math.round(xmax * thumbnail.getWidth());
            int bottom = Math.round(ymax * thumbnail.getHeight());
            return new int[] {left, top, Math.max(1, right - left), Math.max(1, bottom - top)};
        }
    }

    /**
     * One cell: an entry, its thumbnail (null for none), its caption lines and the boxes drawn on
     * the thumbnail (empty without detections).
     */
    public record Cell(
            String locator,
            BufferedImage thumbnail,
            List<String> lines,
            boolean failed,
            List<Box> boxes) {}

    private final List<Cell> cells;
    private final String title;

    private ContactSheet(String title, List<Cell> cells) {
        this.title = title;
        this.cells = List.copyOf(cells);
    }

    public List<Cell> cells() {
        return cells;
    }

    /** The page's height for its cells. */
    public int pageHeight() {
        int rows = (cells.size() + COLUMNS - 1) / COLUMNS;
        return HEADER + GAP + rows * (CELL_HEIGHT + GAP);
    }

    /** Where a cell's thumbnail starts on the page: x, y. */
    public static int[] thumbnailOrigin(int index) {
        int column = index % COLUMNS;
        int row = index / COLUMNS;
        return new int[] {
            GAP + column * (CELL_WIDTH + GAP) + PADDING,
            HEADER + GAP + row * (CELL_HEIGHT + GAP) + PADDING
        };
    }

    /**
     * Reads the classifications and dead letters of {@code results}, at most {@code limit} cells,
     * in entry order, with thumbnails from the original archives.
     */
    public static ContactSheet of(ResultsDir results, int limit, long maxImageBytes)
            throws IOException {
        Map<String, Classification> classified = new LinkedHashMap<>();
        Map<String, Detections> detected = new LinkedHashMap<>();
        Map<String, DeadLetter> dead = new LinkedHashMap<>();
        results.forEach(
                ResultsDir.CLASSIFICATIONS,
                Classification.class,
                c -> classified.put(key(c.getFrame()), c));
        results.forEach(
                ResultsDir.DETECTIONS, Detections.class, d -> detected.put(key(d.getFrame()), d));
        results.forEach(
                ResultsDir.DEAD_LETTERS,
                DeadLetter.class,
                d -> dead.put(d.getFrame() == null ? "" : key(d.getFrame()), d));
        Map<String, FrameRef> answered = new LinkedHashMap<>();
        classified.values().forEach(c -> answered.put(key(c.getFrame()), c.getFrame()));
        detected.values().forEach(d -> answered.putIfAbsent(key(d.getFrame()), d.getFrame()));
        List<FrameRef> frames = new ArrayList<>(answered.values());
        dead.values().stream()
                .filter(d -> d.getFrame() != null)
                .forEach(d -> frames.add(d.getFrame()));
        frames.sort(Comparator.comparing(ContactSheet::locator));
        List<FrameRef> shown = frames.subList(0, Math.min(limit, frames.size()));

        Map<String, BufferedImage> thumbnails = thumbnails(shown, maxImageBytes);
        List<Cell> cells = new ArrayList<>();
        for (FrameRef frame : shown) {
            String key = key(frame);
            Classification classification = classified.get(key);
            Detections detections = detected.get(key);
            List<Box> boxes = boxes(detections);
            List<String> lines =
                    classification != null || detections != null
                            ? captions(classification, detections, boxes)
                            : List.of(
                                    dead.get(key).getReasonCode().toString(),
                                    dead.get(key).getMessage().toString());
            boolean failed = classification == null && detections == null;
            cells.add(new Cell(locator(frame), thumbnails.get(key), lines, failed, boxes));
        }
        String title =
                String.format(
                        Locale.ROOT,
                        "%s: %d results, %d dead letters%s",
                        results.root(),
                        answered.size(),
                        dead.size(),
                        frames.size() > shown.size() ? ", first " + shown.size() + " shown" : "");
        return new ContactSheet(title, cells);
    }

    /** A result's caption: its top three labels, then how many boxes and of what. */
    private static List<String> captions(
            Classification classification, Detections detections, List<Box> boxes) {
        List<String> lines = new ArrayList<>();
        List<ScoredLabel> top = classification == null ? List.of() : classification.getTop();
        for (ScoredLabel label : top.subList(0, Math.min(3, top.size()))) {
            lines.add(String.format(Locale.ROOT, "%s %.2f", label.getLabel(), label.getScore()));
        }
        if (detections != null) {
            String kinds = String.join(", ", boxes.stream().map(Box::label).distinct().toList());
            lines.add(
                    String.format(
                            Locale.ROOT,
                            "%d boxes%s",
                            detections.getDetections().size(),
                            kinds.isEmpty() ? "" : ": " + kinds));
        }
        return lines;
    }

    /** The best boxes of a frame's detections, to draw. */
    private static List<Box> boxes(Detections detections) {
        if (detections == null) {
            return List.of();
        }
        List<Box> boxes = new ArrayList<>();
        for (DetectedObject object : detections.getDetections()) {
            if (boxes.size() == MAX_BOXES) {
                break;
            }
            boxes.add(
                    new Box(
                            object.getLabel().toString(),
                            object.getScore(),
                            object.getBox().getYmin(),
                            object.getBox().getXmin(),
                            object.getBox().getYmax(),
                            object.getBox().getXmax()));
        }
        return boxes;
    }

    /** The page: self-contained HTML, thumbnails inline as JPEG data URIs. */
    public String html() {
        return ContactSheetPage.html(title, cells);
    }

    /** Thumbnails of the frames, read from their archives, one pass per archive. */
    private static Map<String, BufferedImage> thumbnails(List<FrameRef> frames, long maxBytes)
            throws IOException {
        Map<String, EntryKeys> byContainer = new LinkedHashMap<>();
        for (FrameRef frame : frames) {
            byContainer
                    .computeIfAbsent(
                            ArchiveEntries.container(
                                    frame.getSourceId().toString(), frame.getFrameId().toString()),
                            c -> new EntryKeys())
                    .add(frame.getSourceId().toString(), frame.getFrameId().toString());
        }
        ImageDecoder decoder = new ImageDecoder();
        Map<String, BufferedImage> thumbnails = new HashMap<>();
        for (Map.Entry<String, EntryKeys> container : byContainer.entrySet()) {
            try (ArchiveEntries entries =
                    ArchiveEntries.open(new Path(container.getKey()), maxBytes)) {
                for (ArchiveEntries.Entry entry; (entry = entries.next()) != null; ) {
                    var frame = entry.frame();
                    String source = frame.getSourceId().toString();
                    String id = frame.getFrameId().toString();
                    ByteBuffer image = frame.getImage();
                    if (entry.failed()
                            || image == null
                            || !container.getValue().contains(source, id)) {
                        continue;
                    }
                    byte[] bytes = new byte[image.remaining()];
                    image.duplicate().get(bytes);
                    try {
                        thumbnails.put(EntryKeys.key(source, id), thumbnail(decoder.decode(bytes)));
                    } catch (ImageDecodingException e) {
                        // no thumbnail: the cell shows the dead letter's reason
                    }
                }
            }
        }
        return thumbnails;
    }

    /** The image scaled to fit the thumbnail box, keeping its aspect ratio (area averaging). */
    static BufferedImage thumbnail(RgbImage image) {
        double scale =
                Math.min(
                        1.0,
                        Math.min(
                                (double) THUMB_WIDTH / image.width(),
                                (double) THUMB_HEIGHT / image.height()));
        int width = Math.max(1, (int) Math.round(image.width() * scale));
        int height = Math.max(1, (int) Math.round(image.height() * scale));
        BufferedImage full =
                new BufferedImage(image.width(), image.height(), BufferedImage.TYPE_INT_RGB);
        byte[] rgb = image.pixels();
        int[] row = new int[image.width()];
        for (int y = 0; y < image.height(); y++) {
            for (int x = 0; x < image.width(); x++) {
                int i = (y * image.width() + x) * 3;
                row[x] = (rgb[i] & 0xFF) << 16 | (rgb[i + 1] & 0xFF) << 8 | (rgb[i + 2] & 0xFF);
            }
            full.setRGB(0, y, image.width(), 1, row, 0, image.width());
        }
        BufferedImage small = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = small.createGraphics();
        try {
            g.drawImage(
                    full.getScaledInstance(width, height, java.awt.Image.SCALE_AREA_AVERAGING),
                    0,
                    0,
                    null);
        } finally {
            g.dispose();
        }
        return small;
    }

    private static String key(FrameRef frame) {
        return EntryKeys.key(frame.getSourceId().toString(), frame.getFrameId().toString());
    }

    private static String locator(FrameRef frame) {
        return ArchiveEntries.locator(
                frame.getSourceId().toString(), frame.getFrameId().toString());
    }
}
