package io.ocellus.pipeline.kafka;

import io.ocellus.operators.DeadLetters;
import io.ocellus.pipeline.workflow.OcellusWorkflow;
import io.ocellus.pipeline.workflow.WorkflowOutputs;
import io.ocellus.schemas.Classification;
import io.ocellus.schemas.DeadLetter;
import io.ocellus.schemas.DetectionFeatures;
import io.ocellus.schemas.Detections;
import io.ocellus.schemas.Embedding;
import io.ocellus.schemas.FrameRef;
import io.ocellus.schemas.GeoEstimate;
import io.ocellus.schemas.ImageFrame;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.serialization.SimpleStringSchema;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The streaming job: frames from Kafka through the {@link OcellusWorkflow} to one Kafka topic per
 * task and a dead-letter topic. The workflow is the same as everywhere; only the edges are Kafka.
 * Exactly-once needs checkpointing, which the caller enables ({@link #checkpointing}).
 */
public final class StreamJob {
    private static final Logger LOG = LoggerFactory.getLogger(StreamJob.class);

    /** The checkpoint interval when neither the user nor the cluster configured one. */
    public static final long DEFAULT_CHECKPOINT_INTERVAL_MS = 5000;

    /**
     * The producers' {@code transaction.timeout.ms} unless the client settings give one: below the
     * broker's default maximum of 15 minutes ({@code transaction.max.timeout.ms}), which the
     * preflight checks a given value against ({@link KafkaPreflight#checkTransactions}).
     */
    static final String TRANSACTION_TIMEOUT_MS = "600000";

    /** The transaction timeout the sinks of {@code options} use, in ms. */
    static long transactionTimeoutMs(StreamJobOptions options) {
        return Long.parseLong(
                options.clientProperties()
                        .getOrDefault("transaction.timeout.ms", TRANSACTION_TIMEOUT_MS)
                        .strip());
    }

    static final String MAX_RECORD_BYTES = String.valueOf(32 * 1024 * 1024);

    private StreamJob() {}

    /**
     * Checkpointing for an exactly-once run that respects what is configured: the interval of the
     * environment's configuration ({@code execution.checkpointing.interval} of the cluster's {@code
     * config.yaml}, {@code -D}, a FlinkDeployment, {@code --checkpoint-interval-ms}); else {@value
     * #DEFAULT_CHECKPOINT_INTERVAL_MS} ms, said in the log.
     */
    public static void checkpointing(StreamExecutionEnvironment env) {
        if (env.getCheckpointConfig().isCheckpointingEnabled()) {
            LOG.info(
                    "Checkpointing every {} ms, as execution.checkpointing.interval configures",
                    env.getCheckpointInterval());
        } else {
            env.enableCheckpointing(DEFAULT_CHECKPOINT_INTERVAL_MS);
            LOG.info(
                    "No checkpoint interval configured (execution.checkpointing.interval):"
                            + " checkpointing every {} ms for exactly-once output",
                    DEFAULT_CHECKPOINT_INTERVAL_MS);
        }
    }

    /**
     * Checkpointing for exactly-once output ({@link #checkpointing}), and the sinks' transaction
     * timeout checked against it, the restart strategy's longest back-off and the broker's limit
     * ({@link KafkaPreflight#checkTransactions}).
     */
    public static void exactlyOnce(
            StreamExecutionEnvironment env, StreamJobOptions options, ReadableConfig config) {
        checkpointing(env);
        KafkaPreflight.checkTransactions(
                options,
                env.getCheckpointInterval() + env.getCheckpointConfig().getCheckpointTimeout(),
                config.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF)
                        .toMillis());
    }

    /** Adds the job to {@code env}. */
    public static void define(StreamExecutionEnvironment env, StreamJobOptions options) {
        // Every stateful operator has a stable uid, so that a savepoint restores into a new version
        // of the job; with generated uids off, an operator without one fails here, when the job
        // graph is built, rather than at the next upgrade (pipeline.auto-generate-uids: false).
        env.getConfig().disableAutoGeneratedUIDs();
        SingleOutputStreamOperator<ImageFrame> frames =
                env.fromSource(source(options), WatermarkStrategy.noWatermarks(), "kafka-frames")
                        .uid("ocellus-kafka-source")
                        .process(
                                new FrameParser(
                                        options.inputFormat(),
                                        options.inputFormat() == InputFormat.RAW
                                                ? null
                                                : options.codec(
                                                        options.inputFormat().wireFormat())))
                        .name("parse")
                        .uid("ocellus-parse");
        DataStream<String> geoIndexUpdates =
                control(env, options, options.geoIndexUpdatesTopic(), "geo-index-updates");
        DataStream<String> modelUpdates =
                control(env, options, options.modelUpdatesTopic(), "model-updates");
        WorkflowOutputs out =
                OcellusWorkflow.define(frames, options.workflow(), geoIndexUpdates, modelUpdates);
        sinkTo(options, out, frames.getSideOutput(DeadLetters.TAG));
    }

    /**
     * Sends the workflow's outputs to the topics of {@code options}, with {@code moreDeadLetters}
     * (from stages before the workflow, or null) on the dead-letter topic.
     */
    public static void sinkTo(
            StreamJobOptions options, WorkflowOutputs out, DataStream<DeadLetter> moreDeadLetters) {
        sink(
                options,
                out.classifications(),
                options.classificationsTopic(),
                Classification.class,
                Classification::getFrame,
                c -> c.getModelId().toString(),
                "classifications");
        sink(
                options,
                out.embeddings(),
                options.embeddingsTopic(),
                Embedding.class,
                Embedding::getFrame,
                e -> e.getModelId().toString(),
                "embeddings");
        sink(
                options,
                out.geo(),
                options.geoTopic(),
                GeoEstimate.class,
                GeoEstimate::getFrame,
                g -> g.getModelId().toString(),
                "geo");
        sink(
                options,
                out.features(),
                options.featuresTopic(),
                DetectionFeatures.class,
                DetectionFeatures::getFrame,
                f -> f.getModelId().toString(),
                "features");
        sink(
                options,
                out.detections(),
                options.detectionsTopic(),
                Detections.class,
                Detections::getFrame,
                d -> d.getModelId().toString(),
                "detections");
        sink(
                options,
                moreDeadLetters == null
                        ? out.deadLetters()
                        : out.deadLetters().union(moreDeadLetters),
                options.deadLetterTopic(),
                DeadLetter.class,
                DeadLetter::getFrame,
                d -> null,
                "dead-letters");
    }

    /** The records of a control topic (null when {@code topic} is), uid {@code ocellus-NAME}. */
    private static DataStream<String> control(
            StreamExecutionEnvironment env, StreamJobOptions options, String topic, String name) {
        if (topic == null) {
            return null;
        }
        return env.fromSource(
                        controlSource(options, topic, name), WatermarkStrategy.noWatermarks(), name)
                .uid("ocellus-" + name);
    }

    /**
     * A control topic's records (geo index URIs, model updates): each record's value, UTF-8. Read
     * from the offsets the job committed, else from the end: an update published before a first
     * start does not replace what the job was started with. A bounded job reads it up to the
     * offsets at start.
     */
    // The connector's committedOffsets takes only Kafka's deprecated OffsetResetStrategy.
    @SuppressWarnings("deprecation")
    private static KafkaSource<String> controlSource(
            StreamJobOptions options, String topic, String name) {
        KafkaSourceBuilder<String> builder =
                KafkaSource.<String>builder()
                        .setBootstrapServers(options.bootstrapServers())
                        .setTopics(topic)
                        .setGroupId(options.jobName() + "-" + name)
                        .setStartingOffsets(
                                OffsetsInitializer.committedOffsets(OffsetResetStrategy.LATEST))
                        .setValueOnlyDeserializer(new SimpleStringSchema());
        ClientSettings.merge(
                        "the " + name + " source",
                        Map.of(),
                        options.clientProperties(),
                        Map.of("isolation.level", "read_committed"))
                .forEach(builder::setProperty);
        if (options.bounded()) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    // The connector's committedOffsets takes only Kafka's deprecated OffsetResetStrategy.
    @SuppressWarnings("deprecation")
    private static KafkaSource<KafkaFrameRecord> source(StreamJobOptions options) {
        KafkaSourceBuilder<KafkaFrameRecord> builder =
                KafkaSource.<KafkaFrameRecord>builder()
                        .setBootstrapServers(options.bootstrapServers())
                        .setTopics(options.inputTopic())
                        .setGroupId(options.jobName())
                        .setStartingOffsets(
                                OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                        .setDeserializer(new KafkaFrameDeserializer());
        ClientSettings.merge(
                        "the frames source",
                        Map.of(
                                "max.partition.fetch.bytes", MAX_RECORD_BYTES,
                                "fetch.max.bytes", MAX_RECORD_BYTES),
                        options.clientProperties(),
                        Map.of("isolation.level", "read_committed"))
                .forEach(builder::setProperty);
        if (options.bounded()) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    private static <T extends SpecificRecord> void sink(
            StreamJobOptions options,
            DataStream<T> stream,
            String topic,
            Class<T> type,
            SerializableFunction<T, FrameRef> frame,
            SerializableFunction<T, String> model,
            String kind) {
        if (topic == null) {
            return;
        }
        Properties producer = new Properties();
        producer.putAll(
                ClientSettings.merge(
                        "the " + kind + " sink",
                        Map.of(
                                "max.request.size", MAX_RECORD_BYTES,
                                "transaction.timeout.ms", TRANSACTION_TIMEOUT_MS),
                        options.clientProperties(),
                        Map.of()));
        KafkaSink<T> sink =
                KafkaSink.<T>builder()
                        .setBootstrapServers(options.bootstrapServers())
                        .setKafkaProducerConfig(producer)
                        .setRecordSerializer(
                                new AvroRecordSerializer<>(
                                        topic,
                                        type,
                                        options.codec(options.outputFormat()),
                                        frame,
                                        model))
                        .setDeliveryGuarantee(options.guarantee())
                        .setTransactionalIdPrefix(options.jobName() + "-" + kind)
                        .build();
        stream.map(new EmitMetrics<>(kind, frame, model))
                .returns(type)
                .name("emit-" + kind)
                .uid("ocellus-emit-" + kind)
                .sinkTo(new CleanClosingKafkaSink<>(sink))
                .name("kafka-" + kind)
                .uid("ocellus-sink-" + kind);
    }
}
