package io.ocellus.pipeline.kafka;

import io.ocellus.schemas.FrameRef;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * Writes Avro records to one topic in a {@code WireFormat}, keyed by the frame's source id (so that
 * one camera's results stay in order), with headers for routers and tracing: {@code source-id},
 * {@code frame-id}, {@code model-id}, and the input record's W3C {@code traceparent} and {@code
 * tracestate}.
 *
 * @param <T> the record class
 */
public final class AvroRecordSerializer<T extends SpecificRecord>
        implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    /** The headers every result and dead letter carries (when known). */
    public static final String SOURCE_ID = "source-id";

    public static final String FRAME_ID = "frame-id";
    public static final String MODEL_ID = "model-id";
    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";

    private final String topic;
    private final Class<T> type;
    private final KafkaCodec.Settings format;
    private final SerializableFunction<T, FrameRef> frame;
    private final SerializableFunction<T, String> model;
    private transient KafkaCodec<T> codec;

    /**
     * @param frame the frame a record belongs to (null for none): its source id keys the record,
     *     and its ids and trace context become headers
     * @param model the id of the model that produced a record, or a function returning null
     */
    public AvroRecordSerializer(
            String topic,
            Class<T> type,
            KafkaCodec.Settings format,
            SerializableFunction<T, FrameRef> frame,
            SerializableFunction<T, String> model) {
        this.topic = topic;
        this.type = type;
        this.format = format;
        this.frame = frame;
        this.model = model;
    }

    @Override
    public void open(
            SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        codec = format.open(type);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            T record, KafkaSinkContext context, Long timestamp) {
        FrameRef ref = frame.apply(record);
        String modelId = model.apply(record);
        List<Header> headers = new ArrayList<>(6);
        if (ref != null) {
            add(headers, SOURCE_ID, ref.getSourceId());
            add(headers, FRAME_ID, ref.getFrameId());
            add(headers, TRACEPARENT, ref.getTraceParent());
            add(headers, TRACESTATE, ref.getTraceState());
        }
        add(headers, MODEL_ID, modelId);
        return new ProducerRecord<>(
                topic,
                null,
                timestamp,
                ref == null ? null : ref.getSourceId().getBytes(StandardCharsets.UTF_8),
                codec.encode(topic, record),
                headers);
    }

    private static void add(List<Header> headers, String name, CharSequence value) {
        if (value != null) {
            headers.add(new RecordHeader(name, value.toString().getBytes(StandardCharsets.UTF_8)));
        }
    }
}
