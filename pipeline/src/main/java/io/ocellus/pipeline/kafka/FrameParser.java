package io.ocellus.pipeline.kafka;

import io.ocellus.operators.DeadLetters;
import io.ocellus.schemas.DeadLetter;
import io.ocellus.schemas.FrameRef;
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
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Parses Kafka records into {@link ImageFrame}s in the configured {@link InputFormat}. A record
 * that cannot be parsed goes to {@link DeadLetters#TAG} (stage {@code DESERIALIZE}) with its topic,
 * partition, offset and bytes. Frames without an id are named {@code topic-partition-offset}, which
 * is the same on every replay. In every layout the record's headers become attributes (an Avro
 * frame's own win), with its timestamp as {@code kafka-timestamp}: the W3C trace context ({@code
 * traceparent}, {@code tracestate}) travels on to the frame's results and dead letters. Counts
 * {@code framesIn}.
 */
public final class FrameParser extends ProcessFunction<KafkaFrameRecord, ImageFrame> {
    private static final long serialVersionUID = 1L;
    private static final Set<String> KNOWN_HEADERS =
            Set.of("frame-id", "content-type", "event-time", "latitude", "longitude");

    private final InputFormat format;
    private final KafkaCodec.Settings avro;
    private transient KafkaCodec<ImageFrame> codec;
    private transient Counter framesIn;

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
        framesIn = getRuntimeContext().getMetricGroup().counter("framesIn");
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
        framesIn.inc();
        try {
            // A registry that cannot be reached throws UncheckedIOException: the task fails and
            // restarts from its checkpoint rather than dead-lettering good frames.
            out.collect(
                    format == InputFormat.RAW
                            ? raw(record)
                            : withRecordContext(codec.decode(record.topic, value(record)), record));
        } catch (IOException | IllegalArgumentException e) {
            context.output(DeadLetters.TAG, deadLetter(record, e));
        }
    }

    static ImageFrame raw(KafkaFrameRecord record) {
        Map<String, String> headers = record.headers;
        Map<String, String> attributes = new HashMap<>();
        headers.forEach(
                (key, value) -> {
                    if (!KNOWN_HEADERS.contains(key)) {
                        attributes.put(key, value);
                    }
                });
        attributes.put(DeadLetters.KAFKA_TIMESTAMP, String.valueOf(record.timestamp));
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

    /**
     * An Avro frame with its record's headers as attributes (its own attributes win) and the
     * record's timestamp: the trace context and the rest reach the results as in the raw layout.
     */
    static ImageFrame withRecordContext(ImageFrame frame, KafkaFrameRecord record) {
        Map<String, String> attributes = new HashMap<>(record.headers);
        if (frame.getAttributes() != null) {
            frame.getAttributes().forEach((k, v) -> attributes.put(k.toString(), v.toString()));
        }
        attributes.put(DeadLetters.KAFKA_TIMESTAMP, String.valueOf(record.timestamp));
        frame.setAttributes(attributes);
        return frame;
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
                .setFrame(
                        FrameRef.newBuilder()
                                .setSourceId(
                                        record.key == null
                                                ? record.topic
                                                : new String(record.key, StandardCharsets.UTF_8))
                                .setFrameId(record.headers.getOrDefault("frame-id", id(record)))
                                .setEventTime(Instant.ofEpochMilli(record.timestamp))
                                .setKafkaTimestamp(Instant.ofEpochMilli(record.timestamp))
                                .setTraceParent(record.headers.get(DeadLetters.TRACEPARENT))
                                .setTraceState(record.headers.get(DeadLetters.TRACESTATE))
                                .build())
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
