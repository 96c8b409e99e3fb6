package io.ocellus.pipeline.archive;

import io.ocellus.pipeline.kafka.AvroRecordSerializer;
import io.ocellus.pipeline.kafka.StreamJobOptions;
import io.ocellus.schemas.FrameRef;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resumes an archive-to-Kafka run: what earlier runs of the same model already wrote to the run's
 * topics, read back (read_committed) by the headers every record carries ({@code source-id}, {@code
 * frame-id}, {@code model-id}). A rerun of a run that was killed then writes each entry to each
 * topic once: entries found in the dead-letter topic or in every result topic are skipped by the
 * source, and the rest are computed and written only to the topics that lack them. An entry's
 * result counts when its {@code model-id} is the run's model (the detections topic: any detector).
 */
final class KafkaResume {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaResume.class);

    /** The longest a read-back may take before the run fails. */
    static final Duration READ_LIMIT = Duration.ofMinutes(10);

    /**
     * What the topics hold already.
     *
     * @param byTopic the entries each topic holds
     * @param done entries in the dead-letter topic or in every result topic: not read again
     */
    record Written(Map<String, EntryKeys> byTopic, EntryKeys done) implements Serializable {
        private static final long serialVersionUID = 1L;

        static final Written NONE = new Written(Map.of(), new EntryKeys());

        EntryKeys in(String topic) {
            return byTopic.getOrDefault(topic, new EntryKeys());
        }
    }

    private KafkaResume() {}

    /** The topic of each result kind the run writes, and its dead-letter topic last. */
    static Map<String, String> topics(StreamJobOptions kafka, List<String> kinds) {
        Map<String, String> topics = new LinkedHashMap<>();
        for (String kind : kinds) {
            String topic =
                    switch (kind) {
                        case ResultsDir.CLASSIFICATIONS -> kafka.classificationsTopic();
                        case ResultsDir.EMBEDDINGS -> kafka.embeddingsTopic();
                        case ResultsDir.FEATURES -> kafka.featuresTopic();
                        case ResultsDir.GEO -> kafka.geoTopic();
                        case ResultsDir.DETECTIONS -> kafka.detectionsTopic();
                        default -> null;
                    };
            if (topic != null) {
                topics.put(kind, topic);
            }
        }
        topics.put(ResultsDir.DEAD_LETTERS, kafka.deadLetterTopic());
        return topics;
    }

    /**
     * Reads back every topic of the run.
     *
     * @throws IOException when the topics cannot be read to their end in time
     */
    static Written read(StreamJobOptions kafka, List<String> kinds, String modelId)
            throws IOException {
        Map<String, String> topics = topics(kafka, kinds);
        Map<String, EntryKeys> byTopic = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : topics.values()) {
                byTopic.put(topic, new EntryKeys());
                for (PartitionInfo info : consumer.partitionsFor(topic)) {
                    partitions.add(new TopicPartition(topic, info.partition()));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + READ_LIMIT.toNanos();
            while (!atEnd(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IOException(
                            "cannot read back " + topics.values() + " within " + READ_LIMIT);
                }
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(500))) {
                    String model = header(record, AvroRecordSerializer.MODEL_ID);
                    String topic = record.topic();
                    boolean counts =
                            topic.equals(kafka.deadLetterTopic())
                                    || topic.equals(kafka.detectionsTopic())
                                    || modelId.equals(model);
                    String source = header(record, AvroRecordSerializer.SOURCE_ID);
                    String frame = header(record, AvroRecordSerializer.FRAME_ID);
                    if (counts && source != null && frame != null) {
                        byTopic.get(topic).add(source, frame);
                    }
                }
            }
        } catch (org.apache.kafka.common.KafkaException e) {
            throw new IOException("cannot read back the topics " + topics.values(), e);
        }
        EntryKeys done = done(byTopic, topics, kafka.deadLetterTopic());
        LOG.info(
                "resuming into {}: {} entries done before, by topic {}",
                topics.values(),
                done.size(),
                sizes(byTopic));
        return new Written(byTopic, done);
    }

    /** Entries with a dead letter, or with a record in every result topic. */
    private static EntryKeys done(
            Map<String, EntryKeys> byTopic, Map<String, String> topics, String deadLetterTopic) {
        EntryKeys done = new EntryKeys();
        byTopic.get(deadLetterTopic).forEach(done::addKey);
        List<EntryKeys> results = new ArrayList<>();
        topics.values().stream()
                .filter(topic -> !topic.equals(deadLetterTopic))
                .forEach(topic -> results.add(byTopic.get(topic)));
        if (!results.isEmpty()) {
            results.get(0)
                    .forEach(
                            key -> {
                                if (results.stream().allMatch(keys -> keys.containsKey(key))) {
                                    done.addKey(key);
                                }
                            });
        }
        return done;
    }

    private static Map<String, Integer> sizes(Map<String, EntryKeys> byTopic) {
        Map<String, Integer> sizes = new LinkedHashMap<>();
        byTopic.forEach((topic, keys) -> sizes.put(topic, keys.size()));
        return sizes;
    }

    private static boolean atEnd(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> partition : end.entrySet()) {
            if (consumer.position(partition.getKey()) < partition.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static KafkaConsumer<byte[], byte[]> consumer(StreamJobOptions kafka) {
        Map<String, Object> config = new HashMap<>(kafka.clientProperties());
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 32 << 20);
        config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 << 20);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "ocellus-resume");
        return new KafkaConsumer<>(
                config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Passes the records whose entry a topic does not hold yet. */
    static final class NotWritten<T> implements FilterFunction<T> {
        private static final long serialVersionUID = 1L;

        private final EntryKeys written;
        private final org.apache.flink.util.function.SerializableFunction<T, FrameRef> frame;

        NotWritten(
                EntryKeys written,
                org.apache.flink.util.function.SerializableFunction<T, FrameRef> frame) {
            this.written = written;
            this.frame = frame;
        }

        @Override
        public boolean filter(T record) {
            FrameRef ref = frame.apply(record);
            return ref == null || !written.contains(ref.getSourceId(), ref.getFrameId());
        }
    }
}
