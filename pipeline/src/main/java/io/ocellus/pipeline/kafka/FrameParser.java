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
import java.util.Locale;
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
 *
 * <p>What a frame carries into every result is bounded, so that no record can make a result or a
 * dead letter larger than its topic takes (which would fail the sink on every replay): a source or
 * frame id over {@link #MAX_ID_CHARS} characters, or attributes (headers) over {@link
 * #MAX_ATTRIBUTE_CHARS} characters in all, make the record a dead letter.
 */
public final class FrameParser extends ProcessFunction<KafkaFrameRecord, ImageFrame> {
    private static final long serialVersionUID = 1L;
    private static final Set<String> KNOWN_HEADERS =
            Set.of("frame-id", "content-type", "event-time", "latitude", "longitude");

    /** The longest source id (record key) or frame id a frame may have. */
    public static final int MAX_ID_CHARS = DeadLetters.MAX_ID_CHARS;

    /** The most characters a frame's attributes may hold, keys and values together. */
    public static final int MAX_ATTRIBUTE_CHARS = 16 * 1024;

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
        ImageFrame frame;
        try {
            // A registry that cannot be reached throws UncheckedIOException: the task fails and
            // restarts from its checkpoint rather than dead-lettering good frames.
            frame =
                    checked(
                            format == InputFormat.RAW
                                    ? raw(record)
                                    : withRecordContext(
                                            codec.decode(record.topic, value(record)), record));
        } catch (IOException | IllegalArgumentException e) {
            context.output(DeadLetters.TAG, deadLetter(record, e));
            return;
        }
        out.collect(frame); // outside the catch: a fault further on is not this record's
    }

    /**
     * The frame, when what it carries into its results is within the limits.
     *
     * @throws IllegalArgumentException naming the limit it passes
     */
    static ImageFrame checked(ImageFrame frame) {
        within("source id", frame.getSourceId(), MAX_ID_CHARS);
        within("frame id", frame.getFrameId(), MAX_ID_CHARS);
        long attributes = 0;
        if (frame.getAttributes() != null) {
            for (Map.Entry<? extends CharSequence, ? extends CharSequence> e :
                    frame.getAttributes().entrySet()) {
                attributes +=
                        e.getKey().length() + (e.getValue() == null ? 0 : e.getValue().length());
            }
        }
        if (attributes > MAX_ATTRIBUTE_CHARS) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "attributes (headers) of %d characters, over the limit of %d",
                            attributes,
                            MAX_ATTRIBUTE_CHARS));
        }
        return frame;
    }

    private static void within(String what, CharSequence value, int max) {
        if (value != null && value.length() > max) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "a %s of %d characters, over the limit of %d",
                            what,
                            value.length(),
                            max));
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
        putRecordContext(attributes, record);
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
        putRecordContext(attributes, record);
        frame.setAttributes(attributes);
        return frame;
    }

    /**
     * The record's timestamp and coordinates, over any attribute of those names: a dead letter of
     * the frame then says where to read it again.
     */
    private static void putRecordContext(Map<String, String> attributes, KafkaFrameRecord record) {
        attributes.put(DeadLetters.KAFKA_TIMESTAMP, String.valueOf(record.timestamp));
        attributes.put(DeadLetters.KAFKA_TOPIC, record.topic);
        attributes.put(DeadLetters.KAFKA_PARTITION, String.valueOf(record.partition));
        attributes.put(DeadLetters.KAFKA_OFFSET, String.valueOf(record.offset));
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
                                        DeadLetters.cut(
                                                record.key == null
                                                        ? record.topic
                                                        : new String(
                                                                record.key, StandardCharsets.UTF_8),
                                                MAX_ID_CHARS))
                                .setFrameId(
                                        DeadLetters.cut(
                                                record.headers.getOrDefault("frame-id", id(record)),
                                                MAX_ID_CHARS))
                                .setEventTime(Instant.ofEpochMilli(record.timestamp))
                                .setKafkaTimestamp(Instant.ofEpochMilli(record.timestamp))
                                .setTraceParent(
                                        DeadLetters.cut(
                                                record.headers.get(DeadLetters.TRACEPARENT),
                                                MAX_ID_CHARS))
                                .setTraceState(
                                        DeadLetters.cut(
                                                record.headers.get(DeadLetters.TRACESTATE),
                                                MAX_ID_CHARS))
                                .build())
                .setStage(Stage.DESERIALIZE)
                .setReasonCode(ReasonCode.UNREADABLE_RECORD.name())
                .setMessage(
                        DeadLetters.cut(
                                String.format(
                                        "%s record %s cannot be read: %s",
                                        format, id(record), cause.getMessage()),
                                DeadLetters.MAX_MESSAGE_CHARS))
                .setTopic(record.topic)
                .setPartition(record.partition)
                .setOffset(record.offset)
                .setOriginal(carry ? ByteBuffer.wrap(record.value) : null)
                .build();
    }
}
