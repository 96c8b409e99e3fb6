package io.ocellus.pipeline.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ocellus.models.image.ImageDecoder;
import io.ocellus.models.image.ScaledJpegDecoder;
import io.ocellus.models.inference.InferenceEngine;
import io.ocellus.models.inference.Outputs;
import io.ocellus.models.inference.Prediction;
import io.ocellus.models.io.ModelLocator;
import io.ocellus.pipeline.config.ModelOptions;
import io.ocellus.pipeline.testutils.LoopbackMiniCluster;
import io.ocellus.pipeline.testutils.Samples;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.api.Table;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code ML_PREDICT} with {@code 'provider' = 'ocellus'} on a MiniCluster: real weights, every
 * input row answered once, labels equal to the engine's own, bad frames as rows with {@code error},
 * wrong options refused naming the key.
 */
class MlPredictITCase {
    @RegisterExtension static final MiniClusterExtension FLINK = LoopbackMiniCluster.extension();

    private static Path models() {
        Path models = ModelLocator.defaultDirectory();
        assumeTrue(models != null && Files.isDirectory(models), "weights not found: skipped");
        return models;
    }

    private static StreamTableEnvironment tables(Map<String, byte[]> frames) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        List<Row> rows = new ArrayList<>();
        frames.forEach((id, image) -> rows.add(Row.of(id, image)));
        Table table =
                tables.fromValues(
                        DataTypes.ROW(
                                DataTypes.FIELD("frame_id", DataTypes.STRING()),
                                DataTypes.FIELD("image", DataTypes.BYTES())),
                        rows);
        tables.createTemporaryView("frames", table);
        return tables;
    }

    private static String createModel(String with) {
        return "CREATE TEMPORARY MODEL mobilenet"
                + " INPUT (image BYTES)"
                + " OUTPUT (label STRING, score FLOAT,"
                + " top ARRAY<ROW<idx INT, label STRING, score FLOAT>>, model STRING, error STRING)"
                + " WITH ('provider' = 'ocellus', 'task' = 'classify', "
                + with
                + ")";
    }

    @Test
    void classifiesEveryRowOnceAndAnswersBadFramesWithTheirReason() throws Exception {
        Path models = models();
        Map<String, byte[]> frames = new LinkedHashMap<>(Samples.pictures());
        byte[] first = frames.values().iterator().next();
        frames.put("truncated", Arrays.copyOf(first, first.length / 3));
        frames.put("empty", new byte[0]);
        frames.put("text", "not a picture".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        StreamTableEnvironment tables = tables(frames);
        tables.executeSql(
                createModel(
                        "'ocellus.model.path' = '"
                                + models
                                + "', 'ocellus.model.alpha' = '0.25',"
                                + " 'ocellus.model.resolution' = '128',"
                                + " 'ocellus.model.preprocessing' = 'stretch',"
                                + " 'ocellus.batching.size' = '4'"));
        Map<String, Row> out = new HashMap<>();
        try (CloseableIterator<Row> rows =
                tables.executeSql(
                                "SELECT frame_id, label, score, top, model, error FROM ML_PREDICT("
                                        + "TABLE frames, MODEL mobilenet, DESCRIPTOR(image))")
                        .collect()) {
            rows.forEachRemaining(
                    row -> assertThat(out.put((String) row.getField(0), row)).isNull());
        }
        assertThat(out.keySet()).containsExactlyInAnyOrderElementsOf(frames.keySet());
        assertThat((String) out.get("truncated").getField(5)).startsWith("UNDECODABLE: ");
        assertThat((String) out.get("empty").getField(5)).startsWith("EMPTY: ");
        assertThat((String) out.get("text").getField(5)).startsWith("UNSUPPORTED_FORMAT: ");
        assertThat(out.get("text").getField(1)).isNull();

        Configuration settings = new Configuration();
        settings.setString("ocellus.model.path", models.toString());
        settings.setString("ocellus.model.alpha", "0.25");
        settings.setString("ocellus.model.resolution", "128");
        settings.setString("ocellus.model.preprocessing", "stretch");
        try (InferenceEngine engine = ModelOptions.open(settings, List.of());
                ScaledJpegDecoder scaler = new ScaledJpegDecoder()) {
            ImageDecoder decoder = new ImageDecoder().withJpegScaling(scaler, 128);
            for (String picture : Samples.pictures().keySet()) {
                Prediction expected =
                        engine.infer(
                                        List.of(decoder.decode(frames.get(picture))),
                                        Outputs.classes(5))
                                .get(0);
                Row row = out.get(picture);
                assertThat(row.getField(5)).as(picture).isNull();
                assertThat(row.getField(1)).as(picture).isEqualTo(expected.top().get(0).label());
                assertThat((Float) row.getField(2))
                        .isCloseTo(
                                expected.top().get(0).score(),
                                org.assertj.core.data.Offset.offset(1e-4f));
                assertThat((Row[]) row.getField(3)).hasSize(5);
                assertThat(row.getField(4)).isEqualTo("mobilenet_v1_0.25_128");
            }
        }
    }

    @Test
    void aDecodeOverTheTimeLimitAnswersItsRowWithDecodeTimeout() throws Exception {
        byte[] parrot = Samples.pictures().get("parrot.jpg");
        Map<String, byte[]> frames = new LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            frames.put("slow-" + i, parrot);
        }
        StreamTableEnvironment tables = tables(frames);
        tables.executeSql(
                createModel(
                        "'ocellus.model.path' = '"
                                + models()
                                + "', 'ocellus.model.alpha' = '0.25',"
                                + " 'ocellus.model.resolution' = '128',"
                                + " 'ocellus.decoding.timeout' = '1 ms'"));
        Map<String, String> errors = new HashMap<>();
        try (CloseableIterator<Row> rows =
                tables.executeSql(
                                "SELECT frame_id, error FROM ML_PREDICT("
                                        + "TABLE frames, MODEL mobilenet, DESCRIPTOR(image))")
                        .collect()) {
            rows.forEachRemaining(
                    row -> errors.put((String) row.getField(0), (String) row.getField(1)));
        }
        assertThat(errors.keySet()).containsExactlyInAnyOrderElementsOf(frames.keySet());
        assertThat(errors.values())
                .filteredOn(java.util.Objects::nonNull)
                .isNotEmpty()
                .allMatch(error -> error.startsWith("DECODE_TIMEOUT: "));
    }

    @Test
    void embedsWithUnitNormAndTheModelsWidth() throws Exception {
        Path models = models();
        Map<String, byte[]> frames = new LinkedHashMap<>();
        Samples.pictures().entrySet().stream()
                .limit(3)
                .forEach(e -> frames.put(e.getKey(), e.getValue()));
        frames.put("empty", new byte[0]);
        StreamTableEnvironment tables = tables(frames);
        tables.executeSql(
                "CREATE TEMPORARY MODEL embedder INPUT (image BYTES)"
                        + " OUTPUT (embedding ARRAY<FLOAT>, error STRING)"
                        + " WITH ('provider' = 'ocellus', 'task' = 'embed', 'ocellus.model.path' = '"
                        + models
                        + "', 'ocellus.model.alpha' = '0.25', 'ocellus.model.resolution' = '128')");
        Map<String, Row> out = new HashMap<>();
        try (CloseableIterator<Row> rows =
                tables.executeSql(
                                "SELECT frame_id, embedding, error FROM ML_PREDICT(TABLE frames,"
                                        + " MODEL embedder, DESCRIPTOR(image))")
                        .collect()) {
            rows.forEachRemaining(row -> out.put((String) row.getField(0), row));
        }
        assertThat(out.keySet()).containsExactlyInAnyOrderElementsOf(frames.keySet());
        assertThat((String) out.get("empty").getField(2)).startsWith("EMPTY: ");
        for (String picture : frames.keySet()) {
            if (picture.equals("empty")) {
                continue;
            }
            Float[] embedding = (Float[]) out.get(picture).getField(1);
            assertThat(embedding).as(picture).hasSize(256);
            double norm = 0;
            for (Float v : embedding) {
                norm += v * v;
            }
            assertThat(Math.sqrt(norm)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        }
    }

    @Test
    void detectsObjectsAsAnArrayOfRowsWithBoxes() throws Exception {
        Path detector = ModelLocator.defaultDetectorDirectory();
        assumeTrue(detector != null && Files.isDirectory(detector), "no detector: skipped");
        Map<String, byte[]> frames = new LinkedHashMap<>();
        frames.put("grace_hopper.bmp", Samples.pictures().get("grace_hopper.bmp"));
        frames.put("pets.jpg", Samples.pictures().get("pets.jpg"));
        frames.put("noise", new byte[] {1, 2, 3, 4});
        StreamTableEnvironment tables = tables(frames);
        tables.executeSql(
                "CREATE TEMPORARY MODEL detector INPUT (image BYTES)"
                        + " OUTPUT (detections ARRAY<ROW<idx INT, label STRING, score FLOAT,"
                        + " ymin FLOAT, xmin FLOAT, ymax FLOAT, xmax FLOAT>>, model STRING,"
                        + " error STRING)"
                        + " WITH ('provider' = 'ocellus', 'task' = 'detect',"
                        + " 'ocellus.detect.model' = '"
                        + detector
                        + "', 'ocellus.detect.min-score' = '0.5')");
        Map<String, Row> out = new HashMap<>();
        try (CloseableIterator<Row> rows =
                tables.executeSql(
                                "SELECT frame_id, detections, model, error FROM ML_PREDICT("
                                        + "TABLE frames, MODEL detector, DESCRIPTOR(image))")
                        .collect()) {
            rows.forEachRemaining(row -> out.put((String) row.getField(0), row));
        }
        assertThat(out.keySet()).containsExactlyInAnyOrderElementsOf(frames.keySet());
        assertThat((String) out.get("noise").getField(3)).isNotBlank();
        assertThat(out.get("noise").getField(1)).isNull();
        for (String picture : List.of("grace_hopper.bmp", "pets.jpg")) {
            Row row = out.get(picture);
            assertThat(row.getField(3)).as(picture).isNull();
            assertThat(row.getField(2)).isEqualTo("ssd_mobilenet_v1_coco_quant");
            Row[] boxes = (Row[]) row.getField(1);
            assertThat(boxes).as(picture).isNotEmpty();
            for (Row box : boxes) {
                assertThat((Float) box.getField(2)).isBetween(0.5f, 1f);
                assertThat((Float) box.getField(3)).isBetween(0f, (Float) box.getField(5));
                assertThat((Float) box.getField(4)).isBetween(0f, (Float) box.getField(6));
            }
        }
        assertThat(((Row[]) out.get("pets.jpg").getField(1))[0].getField(1)).isEqualTo("dog");
        assertThat(((Row[]) out.get("grace_hopper.bmp").getField(1))[0].getField(1))
                .isEqualTo("person");
    }

    @Test
    void aWrongOptionFailsNamingTheKey() {
        Path models = models();
        StreamTableEnvironment tables = tables(Map.of("a", new byte[] {1}));
        tables.executeSql(
                createModel(
                        "'ocellus.model.path' = '" + models + "', 'ocellus.batching.sise' = '4'"));
        assertRefused(tables, "ocellus.batching.sise");
        tables.executeSql("DROP TEMPORARY MODEL mobilenet");
        tables.executeSql(
                createModel(
                        "'ocellus.model.path' = '" + models + "', 'ocellus.batching.size' = '0'"));
        assertRefused(tables, "ocellus.batching.size = \"0\": expected an integer >= 1");
    }

    private static void assertRefused(StreamTableEnvironment tables, String message) {
        assertThatThrownBy(
                        () ->
                                tables.executeSql(
                                                "SELECT * FROM ML_PREDICT(TABLE frames, MODEL"
                                                        + " mobilenet, DESCRIPTOR(image))")
                                        .await())
                .hasStackTraceContaining(message);
    }
}
