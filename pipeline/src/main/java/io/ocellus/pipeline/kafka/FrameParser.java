package io.ocellus.pipeline.kafka;

import io.ocellus.operators.DeadLetters;
import io.ocellus.schemas.DeadLetter;
import io.ocellus.schemas.ImageFrame;
import io.ocellus.schemas.ReasonCode;
import io.ocellus.schemas.Stage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Parses Kafka records into {@link ImageFrame}s in the configured {@link InputFormat}. A record
 * that cannot be parsed goes to {@link DeadLetters#TAG} (stage {@code DESERIALIZE}) with its topic,
 * partition, offset and bytes. Frames without an id are named {@code topic-partition-offset}, which
 * is the same on every replay.
 */
public final class FrameParser extends ProcessFunction<KafkaFrameRecord, ImageFrame> {
    private static final long serialVersionUID = 1L;
    private static final Set<String> KNOWN_HEADERS =
            Set.of("frame-id", "content-type", "event-time", "latitude", "longitude");

    private final InputFormat format;
    private final KafkaCodec.Settings avro;
    private transient KafkaCodec<ImageFrame> codec;

    /**
     * @param format the layout of the records
     * @param avro for the Avro layouts, the codec settings (the registry's URL for {@link
     *     InputFormat#AVRO_REGISTRY}); ignored for {@link InputFormat#RAW}
     */
    public FrameParser(InputFormat format, KafkaCodec.Settings avro) {
        this.format = format;
        this.avro = avro;
    }

    @Override
    public void open(OpenContext context) {
        if (format != InputFormat.RAW) {
            codec = avro.open(ImageFrame.class);
        }
    }

    @Override
    public void close() {
        if (codec != null) {
            codec.close();
            codec = null;
        }
    }

    @Override
    public void processElement(
            KafkaFrameRecord record, Context context, Collector<ImageFrame> out) {
        try {
            // A registry that cannot be reached throws UncheckedIOException: the task fails and
            // restarts from its checkpoint rather than dead-lettering good frames.
            out.collect(
                    format == InputFormat.RAW
                            ? raw(record)
                            : codec.decode(record.topic, value(record)));
        } catch (IOException | IllegalArgumentException e) {
            context.output(DeadLetters.TAG, deadLetter(record, e));
        }
    }

    private static ImageFrame raw(KafkaFrameRecord record) {
        Map<String, String> headers = record.headers;
        Map<String, String> attributes = new HashMap<>();
        headers.forEach(
                (key, value) -> {
                    if (!KNOWN_HEADERS.contains(key)) {
                        attributes.put(key, value);
                    }
                });
        String source =
                record.key == null ? record.topic : new String(record.key, StandardCharsets.UTF_8);
        return ImageFrame.newBuilder()
                .setSourceId(source)
                .setFrameId(headers.getOrDefault("frame-id", id(record)))
                .setEventTime(
                        Instant.ofEpochMilli(
                                headers.containsKey("event-time")
                                        ? Long.parseLong(headers.get("event-time").trim())
                                        : record.timestamp))
                .setContentType(headers.get("content-type"))
                .setImage(ByteBuffer.wrap(record.value == null ? new byte[0] : record.value))
                .setLatitude(number(headers.get("latitude")))
                .setLongitude(number(headers.get("longitude")))
                .setAttributes(attributes)
                .build();
    }

    private static byte[] value(KafkaFrameRecord record) throws IOException {
        if (record.value == null || record.value.length == 0) {
            throw new IOException("the record has no value");
        }
        return record.value;
    }

    private static Double number(String text) {
        return text == null ? null : Double.valueOf(text.trim());
    }

    private static String id(KafkaFrameRecord record) {
        return record.topic + "-" + record.partition + "-" + record.offset;
    }

    private DeadLetter deadLetter(KafkaFrameRecord record, Exception cause) {
        boolean carry =
                record.value != null && record.value.length <= DeadLetters.MAX_ORIGINAL_BYTES;
        return DeadLetter.newBuilder()
                .setStage(Stage.DESERIALIZE)
                .setReasonCode(ReasonCode.UNREADABLE_RECORD.name())
                .setMessage(
                        String.format(
                                "%s record %s cannot be read: %s",
                                format, id(record), cause.getMessage()))
                .setTopic(record.topic)
                .setPartition(record.partition)
                .setOffset(record.offset)
                .setOriginal(carry ? ByteBuffer.wrap(record.value) : null)
                .build();
    }
}
