package io.ocellus.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocellus.operators.DeadLetters;
import io.ocellus.schemas.FrameRef;
import io.ocellus.schemas.ImageFrame;
import io.ocellus.schemas.serde.AvroCodec;
import io.ocellus.schemas.serde.WireFormat;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every input layout keeps the record's headers and timestamp: the trace context reaches results.
 */
class FrameParserTest {
    private static final String TRACE = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

    private static KafkaFrameRecord record(byte[] value) {
        KafkaFrameRecord record = new KafkaFrameRecord();
        record.topic = "frames";
        record.partition = 2;
        record.offset = 41;
        record.timestamp = 1_700_000_000_000L;
        record.key = "cam-3".getBytes(StandardCharsets.UTF_8);
        record.value = value;
        record.headers.put("traceparent", TRACE);
        record.headers.put("tracestate", "a=b");
        record.headers.put("camera-zone", "north");
        record.headers.put("frame-id", "f-9");
        return record;
    }

    private static void assertCarried(ImageFrame frame) {
        assertThat(frame.getAttributes())
                .containsEntry("camera-zone", "north")
                .containsEntry(DeadLetters.KAFKA_TIMESTAMP, "1700000000000");
        FrameRef ref = DeadLetters.ref(frame);
        assertThat(ref.getTraceParent()).isEqualTo(TRACE);
        assertThat(ref.getTraceState()).isEqualTo("a=b");
        assertThat(ref.getKafkaTimestamp()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));
    }

    @Test
    void rawFramesKeepTheirHeaders() {
        ImageFrame frame = FrameParser.raw(record(new byte[] {1, 2, 3}));
        assertThat(frame.getFrameId()).isEqualTo("f-9");
        assertCarried(frame);
    }

    @Test
    void avroFramesGetTheRecordsHeadersUnderTheirOwnAttributes() throws Exception {
        ImageFrame avro =
                ImageFrame.newBuilder()
                        .setSourceId("cam-3")
                        .setFrameId("f-9")
                        .setEventTime(Instant.ofEpochMilli(5))
                        .setImage(ByteBuffer.wrap(new byte[] {1}))
                        .setAttributes(Map.of("camera-zone", "north", "owner", "ops"))
                        .build();
        byte[] bytes = AvroCodec.of(ImageFrame.class, WireFormat.SINGLE_OBJECT).encode(avro);
        ImageFrame decoded = AvroCodec.of(ImageFrame.class, WireFormat.SINGLE_OBJECT).decode(bytes);
        KafkaFrameRecord record = record(bytes);
        record.headers.put("owner", "someone-else");
        ImageFrame frame = FrameParser.withRecordContext(decoded, record);
        assertThat(frame.getAttributes()).containsEntry("owner", "ops");
        assertCarried(frame);
    }
}
