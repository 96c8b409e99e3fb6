package io.ocellus.pipeline.kafka;

import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/** Copies each Kafka record into a {@link KafkaFrameRecord}; never fails. */
public final class KafkaFrameDeserializer
        implements KafkaRecordDeserializationSchema<KafkaFrameRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public void deserialize(
            ConsumerRecord<byte[], byte[]> record, Collector<KafkaFrameRecord> out) {
        KafkaFrameRecord frame = new KafkaFrameRecord();
        frame.topic = record.topic();
        frame.partition = record.partition();
        frame.offset = record.offset();
        frame.timestamp = record.timestamp();
        frame.key = record.key();
        frame.value = record.value();
        for (Header header : record.headers()) {
            if (header.value() != null) {
                frame.headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        out.collect(frame);
    }

    @Override
    public TypeInformation<KafkaFrameRecord> getProducedType() {
        return TypeInformation.of(KafkaFrameRecord.class);
    }
}
