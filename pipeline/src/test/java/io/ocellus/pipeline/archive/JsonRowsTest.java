package io.ocellus.pipeline.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ocellus.schemas.DeadLetter;
import io.ocellus.schemas.FrameRef;
import io.ocellus.schemas.Stage;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Avro records as plain JSON lines and back. */
class JsonRowsTest {
    private static DeadLetter letter(byte[] original, Long offset) {
        return DeadLetter.newBuilder()
                .setFrame(
                        FrameRef.newBuilder()
                                .setSourceId("cam-7")
                                .setFrameId("f-\"quoted\"\n")
                                .setEventTime(Instant.ofEpochMilli(1_700_000_000_123L))
                                .build())
                .setStage(Stage.DECODE)
                .setReasonCode("UNDECODABLE")
                .setMessage("truncated JPEG: ü")
                .setTopic(offset == null ? null : "frames")
                .setPartition(offset == null ? null : 3)
                .setOffset(offset)
                .setOriginal(original == null ? null : ByteBuffer.wrap(original))
                .build();
    }

    @Test
    void writesPlainJsonWithoutUnionWrappers() throws Exception {
        byte[] original = {(byte) 0xff, (byte) 0xd8, 0, 1, 2};
        JsonNode json = new ObjectMapper().readTree(JsonRows.line(letter(original, 42L)));
        assertThat(json.get("stage").asText()).isEqualTo("DECODE");
        assertThat(json.get("offset").asLong()).isEqualTo(42);
        assertThat(json.get("topic").asText()).isEqualTo("frames");
        assertThat(json.get("original").asText())
                .isEqualTo(Base64.getEncoder().encodeToString(original));
        assertThat(json.get("frame").get("eventTime").asText())
                .isEqualTo("2023-11-14T22:13:20.123Z");
        assertThat(json.get("originalUri").isNull()).isTrue();
    }

    @Test
    void readsBackTheSameRecord() throws Exception {
        for (DeadLetter letter :
                new DeadLetter[] {letter(new byte[] {9, 8, 7}, 42L), letter(null, null)}) {
            String line = JsonRows.line(letter);
            assertThat(line).doesNotContain("\n");
            assertThat(JsonRows.parse(line, DeadLetter.class)).isEqualTo(letter);
        }
    }

    @Test
    void refusesALineThatIsNotTheRecord() {
        assertThatThrownBy(() -> JsonRows.parse("{\"stage\": \"NOPE\"}", DeadLetter.class))
                .isInstanceOf(Exception.class);
    }
}
