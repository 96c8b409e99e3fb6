package io.ocellus.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ocellus.models.io.ModelLocator;
import io.ocellus.pipeline.testutils.PlacedImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ocellus geo-index eval} with the real 1.0_224 weights on real geotagged sets: the estimate
 * is at least as good as the top neighbour at every scale, and a near-duplicate that clearly leads
 * the rest is answered within 1 km of its original's place.
 */
class GeoEvalCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ROW =
            Pattern.compile("(?m)^(estimate|top neighbour)((?:\\s+[\\d.]+%){5})");

    @TempDir Path dir;

    @Test
    void locatesAlteredCopiesAtTheirOriginalsPlace() throws Exception {
        Path photos = dataset("imagenet-val-1300").resolve("images");
        List<Path> sample;
        try (Stream<Path> files = Files.list(photos)) {
            sample = files.sorted().limit(400).toList();
        }
        Path set = dir.resolve("placed");
        PlacedImages.write(sample, 80, set, 7);
        Path details = dir.resolve("details.jsonl");
        CliRun run =
                CliRun.of(
                        "geo-index",
                        "eval",
                        "--model",
                        modelDir().toString(),
                        "--locations",
                        set.resolve("locations.csv").toString(),
                        "--split",
                        "role=query",
                        "--details",
                        details.toString(),
                        set.toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("480 images embedded").contains("80 queries");
        assertAtLeastTheTopNeighbourAtEveryScale(run.out());

        int clear = 0;
        for (String line : Files.readAllLines(details)) {
            JsonNode query = JSON.readTree(line);
            String original = query.get("file").asText().replaceFirst("^altered_\\d_", "");
            if (query.get("top_neighbour").asText().equals(original)
                    && query.get("margin").asDouble() > 0.05) {
                clear++;
                assertThat(query.get("error_km").asDouble()).as(line).isLessThan(1);
            }
        }
        assertThat(clear).as("queries whose original leads clearly").isGreaterThan(40);
    }

    @Test
    void estimatesStreetViewPlacesAtLeastAsWellAsTheTopNeighbour() throws Exception {
        Path croatia = dataset("geo-croatia-100");
        CliRun run =
                CliRun.of(
                        "geo-index",
                        "eval",
                        "--model",
                        modelDir().toString(),
                        "--locations",
                        croatia.resolve("locations.csv").toString(),
                        "--split",
                        "heading_deg=270",
                        croatia.resolve("images").toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("100 queries").contains("confidence calibration");
        assertAtLeastTheTopNeighbourAtEveryScale(run.out());
    }

    @Test
    void refusesASplitThatLeavesNoQuery() throws Exception {
        Path croatia = dataset("geo-croatia-100");
        Path one =
                Files.copy(
                        croatia.resolve("images").resolve(firstImage(croatia)),
                        dir.resolve(firstImage(croatia)));
        CliRun run =
                CliRun.of(
                        "geo-index",
                        "eval",
                        "--model",
                        modelDir().resolve("mobilenet_v1_0.25_128_quant.tflite").toString(),
                        "--locations",
                        croatia.resolve("locations.csv").toString(),
                        "--split",
                        "heading_deg=45",
                        one.toString());
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err()).contains("leaves 0 queries");
    }

    private static String firstImage(Path croatia) throws Exception {
        try (Stream<Path> files = Files.list(croatia.resolve("images"))) {
            return files.map(file -> file.getFileName().toString())
                    .sorted()
                    .findFirst()
                    .orElseThrow();
        }
    }

    private static void assertAtLeastTheTopNeighbourAtEveryScale(String out) {
        Matcher rows = ROW.matcher(out);
        List<double[]> shares = new ArrayList<>();
        while (rows.find()) {
            shares.add(
                    Stream.of(rows.group(2).trim().split("%\\s*"))
                            .mapToDouble(Double::parseDouble)
                            .toArray());
        }
        assertThat(shares).as(out).hasSize(2);
        for (int scale = 0; scale < 5; scale++) {
            assertThat(shares.get(0)[scale])
                    .as("estimate vs top neighbour, scale %d\n%s", scale, out)
                    .isGreaterThanOrEqualTo(shares.get(1)[scale]);
        }
    }

    private static Path dataset(String name) {
        Path dir =
                Path.of(System.getProperty("ocellus.datasets.dir", "../../shared/datasets"))
                        .resolve(name);
        assumeTrue(Files.isDirectory(dir), name + " not found: skipped");
        return dir;
    }

    private static Path modelDir() {
        Path dir = ModelLocator.defaultDirectory();
        assumeTrue(dir != null && Files.isDirectory(dir), "MobileNet weights not found: skipped");
        return dir;
    }
}
