package io.ocellus.pipeline.kafka;

import java.util.HashMap;
import java.util.Map;

/**
 * A Kafka record as it arrived, before it is parsed into a frame: parsing happens in an operator so
 * that a record that cannot be read becomes a dead letter instead of failing the source. A Flink
 * POJO.
 */
public class KafkaFrameRecord {
    public String topic;
    public int partition;
    public long offset;
    public long timestamp;
    public byte[] key;
    public byte[] value;

    /** Header values as UTF-8 strings (the last value of a repeated header wins). */
    public Map<String, String> headers = new HashMap<>();

    public KafkaFrameRecord() {}
}
