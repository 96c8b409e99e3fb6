package io.ocellus.pipeline.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes Avro records to one topic in a {@link WireFormat}, keyed by a field of the record (the
 * source id, so that one camera's results stay in order).
 *
 * @param <T> the record class
 */
public final class AvroRecordSerializer<T extends SpecificRecord>
        implements KafkaRecordSerializationSchema<T> {
    private static final long serialVersionUID = 1L;

    private final String topic;
    private final Class<T> type;
    private final KafkaCodec.Settings format;
    private final SerializableFunction<T, String> key;
    private transient KafkaCodec<T> codec;

    public AvroRecordSerializer(
            String topic,
            Class<T> type,
            KafkaCodec.Settings format,
            SerializableFunction<T, String> key) {
        this.topic = topic;
        this.type = type;
        this.format = format;
        this.key = key;
    }

    @Override
    public void open(
            SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext) {
        codec = format.open(type);
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
            T record, KafkaSinkContext context, Long timestamp) {
        String k = key.apply(record);
        return new ProducerRecord<>(
                topic,
                null,
                timestamp,
                k == null ? null : k.getBytes(StandardCharsets.UTF_8),
                codec.encode(topic, record));
    }
}
