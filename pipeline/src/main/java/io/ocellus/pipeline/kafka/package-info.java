/**
 * The Kafka job ({@link io.ocellus.pipeline.kafka.StreamJob}): frames read from a topic in one of
 * the input formats ({@link io.ocellus.pipeline.kafka.InputFormat}, {@link
 * io.ocellus.pipeline.kafka.FrameParser}), results and dead letters written as Avro ({@link
 * io.ocellus.pipeline.kafka.KafkaCodec}), exactly once by default.
 */
package io.ocellus.pipeline.kafka;
