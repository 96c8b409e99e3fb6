package io.ocellus.pipeline.geo;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The places of geotagged images from a CSV file: with a header row, the columns {@code file},
 * {@code latitude} and {@code longitude} wherever they stand (other columns are kept, for splits);
 * without one, the first three columns in that order. Fields may be double-quoted. A file matches
 * an image by its name as written or by its last path element. Immutable.
 */
public final class LocationsCsv {
    /** One row: its place and every column by header name (empty without a header). */
    public record Row(
            String file, double latitude, double longitude, Map<String, String> columns) {}

    private final List<Row> rows;
    private final Map<String, Row> byName;

    private LocationsCsv(List<Row> rows, Map<String, Row> byName) {
        this.rows = List.copyOf(rows);
        this.byName = Map.copyOf(byName);
    }

    /**
     * Reads a CSV file.
     *
     * @throws IllegalArgumentException naming the file and line of a row without a file name or
     *     with coordinates that are not numbers or not on Earth
     */
    public static LocationsCsv read(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv, StandardCharsets.UTF_8);
        List<Row> rows = new ArrayList<>();
        Map<String, Row> byName = new HashMap<>();
        List<String> header = null;
        int[] columns = {0, 1, 2};
        for (int n = 0; n < lines.size(); n++) {
            String line = lines.get(n);
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            List<String> fields = split(line);
            if (header == null && rows.isEmpty() && isHeader(fields)) {
                header = fields;
                columns = headerColumns(fields, csv);
                continue;
            }
            Row row = row(fields, header, columns, csv + ":" + (n + 1));
            rows.add(row);
            byName.put(row.file(), row);
            byName.putIfAbsent(lastElement(row.file()), row);
        }
        return new LocationsCsv(rows, byName);
    }

    private static boolean isHeader(List<String> fields) {
        return fields.size() >= 3 && !fields.get(1).strip().matches("[-+0-9.eE]+");
    }

    private static int[] headerColumns(List<String> header, Path csv) {
        int[] columns = new int[3];
        String[] names = {"file", "latitude", "longitude"};
        for (int c = 0; c < 3; c++) {
            columns[c] = header.indexOf(names[c]);
            if (columns[c] < 0) {
                throw new IllegalArgumentException(
                        String.format(
                                "%s: the header has no column \"%s\" (it has %s)",
                                csv, names[c], header));
            }
        }
        return columns;
    }

    private static Row row(List<String> fields, List<String> header, int[] columns, String where) {
        if (fields.size() <= Math.max(columns[0], Math.max(columns[1], columns[2]))) {
            throw new IllegalArgumentException(where + ": expected file,latitude,longitude");
        }
        String file = fields.get(columns[0]).strip();
        double latitude;
        double longitude;
        try {
            latitude = Double.parseDouble(fields.get(columns[1]).strip());
            longitude = Double.parseDouble(fields.get(columns[2]).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": latitude and longitude must be numbers");
        }
        if (file.isEmpty() || !(Math.abs(latitude) <= 90) || !(Math.abs(longitude) <= 180)) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "%s: no file name or no such place: \"%s\" %s, %s",
                            where,
                            file,
                            latitude,
                            longitude));
        }
        Map<String, String> named = new HashMap<>();
        if (header != null) {
            for (int c = 0; c < Math.min(header.size(), fields.size()); c++) {
                named.put(header.get(c), fields.get(c));
            }
        }
        return new Row(file, latitude, longitude, Map.copyOf(named));
    }

    /** Splits a CSV line at commas outside double quotes; doubled quotes inside are one quote. */
    static List<String> split(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '"' && quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                field.append('"');
                i++;
            } else if (c == '"') {
                quoted = !quoted;
            } else if (c == ',' && !quoted) {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }

    /**
     * The row of an image, by its name (or path) as the file writes it, or by last path elements;
     * null when the file does not place it.
     */
    public Row find(String name) {
        Row row = byName.get(name);
        return row != null ? row : byName.get(lastElement(name));
    }

    private static String lastElement(String name) {
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        return name.substring(slash + 1);
    }

    /** Every row, in file order. */
    public List<Row> rows() {
        return rows;
    }
}
