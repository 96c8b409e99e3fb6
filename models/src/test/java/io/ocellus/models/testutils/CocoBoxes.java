package io.ocellus.models.testutils;

import io.ocellus.models.detection.Detection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The boxes of {@code coco-val2017-10/annotations.jsonl}: per image file name, its COCO "thing"
 * boxes (category ids up to 90; the stuff regions above are left out) as {@link Detection}s whose
 * index is the detector's class (category id - 1), normalised by the image's size.
 */
public final class CocoBoxes {
    private static final Pattern FILE = Pattern.compile("\"img_fn\":\\s*\"[^\"]*?([^/\"]+)\"");
    private static final Pattern BOX =
            Pattern.compile(
                    "\"bbox\":\\s*\\[([^\\]]+)\\],\\s*\"category\":\\s*\"([^\"]*)\",\\s*"
                            + "\"category_id\":\\s*(\\d+)");

    private CocoBoxes() {}

    /** One box in pixels. */
    public record PixelBox(int category, String name, double x, double y, double w, double h) {
        public Detection normalised(int width, int height) {
            return new Detection(
                    category - 1,
                    name,
                    1f,
                    (float) (y / height),
                    (float) (x / width),
                    (float) ((y + h) / height),
                    (float) ((x + w) / width));
        }
    }

    /** File name to its thing boxes, in file order. */
    public static Map<String, List<PixelBox>> read(Path annotations) throws IOException {
        Map<String, List<PixelBox>> all = new LinkedHashMap<>();
        for (String line : Files.readAllLines(annotations)) {
            Matcher file = FILE.matcher(line);
            if (!file.find()) {
                continue;
            }
            List<PixelBox> boxes = new ArrayList<>();
            Matcher box = BOX.matcher(line);
            while (box.find()) {
                int category = Integer.parseInt(box.group(3));
                if (category > 90) {
                    continue;
                }
                String[] v = box.group(1).split(",");
                boxes.add(
                        new PixelBox(
                                category,
                                box.group(2),
                                Double.parseDouble(v[0].trim()),
                                Double.parseDouble(v[1].trim()),
                                Double.parseDouble(v[2].trim()),
                                Double.parseDouble(v[3].trim())));
            }
            all.put(file.group(1), boxes);
        }
        return all;
    }
}
