package io.ocellus.pipeline.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ocellus.schemas.Classification;
import io.ocellus.schemas.FrameRef;
import io.ocellus.schemas.ScoredLabel;
import io.ocellus.schemas.Timings;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Both result formats give back the rows written, and JSON lines read as plain JSON. */
class RowFormatTest {
    private static Classification row(int i, float score) {
        return Classification.newBuilder()
                .setFrame(
                        new FrameRef(
                                "cam-" + i,
                                "frame \"" + i + "\"",
                                Instant.ofEpochMilli(1_700_000_000_123L + i),
                                null,
                                null,
                                null))
                .setModelId("mobilenet_v1_0.25_128")
                .setTop(
                        List.of(
                                new ScoredLabel(89, "macaw", score),
                                new ScoredLabel(0, "background", 0f)))
                .setTimings(i % 2 == 0 ? null : new Timings(1L, 2L, 3L, 4))
                .build();
    }

    @Test
    void readsBackWhatEachFormatWrote() throws Exception {
        List<Classification> rows = List.of(row(1, 0.5f), row(2, Float.NaN), row(3, 1e-9f));
        for (RowFormat format : RowFormat.values()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (RowFormat.RowWriter writer = format.writer(Classification.class, out)) {
                for (Classification row : rows) {
                    writer.write(row);
                }
            }
            List<Classification> read = new ArrayList<>();
            format.forEach(
                    Classification.class, new ByteArrayInputStream(out.toByteArray()), read::add);
            assertThat(read).as(format.toString()).isEqualTo(rows);
        }
    }

    @Test
    void writesJsonLinesAToolCanRead() throws Exception {
        JsonNode line = new ObjectMapper().readTree(JsonRows.line(row(3, 0.25f)));
        assertThat(line.get("frame").get("eventTime").asText())
                .isEqualTo("2023-11-14T22:13:20.126Z");
        assertThat(line.get("frame").get("frameId").asText()).isEqualTo("frame \"3\"");
        assertThat(line.get("top").get(0).get("label").asText()).isEqualTo("macaw");
        assertThat(line.get("top").get(0).get("score").asDouble()).isEqualTo(0.25);
        assertThat(line.get("timings").isObject()).isTrue();
        assertThat(
                        new ObjectMapper()
                                .readTree(JsonRows.line(row(2, Float.NaN)))
                                .get("top")
                                .get(0)
                                .get("score")
                                .asText())
                .as("non-finite numbers as text")
                .isEqualTo("NaN");
    }

    @Test
    void namesFormatsByExtensionOrName() {
        assertThat(RowFormat.parse("AVRO")).isEqualTo(RowFormat.AVRO);
        assertThat(RowFormat.parse("jsonl")).isEqualTo(RowFormat.JSONL);
        assertThat(RowFormat.ofFile("part-0.JSONL")).isEqualTo(RowFormat.JSONL);
        assertThat(RowFormat.ofFile("notes.txt")).isNull();
        assertThatThrownBy(() -> RowFormat.parse("csv")).hasMessageContaining("use avro or jsonl");
    }
}
