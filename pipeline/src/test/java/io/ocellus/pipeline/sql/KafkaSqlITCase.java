package io.ocellus.pipeline.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ocellus.models.image.ImageDecoder;
import io.ocellus.models.image.ScaledJpegDecoder;
import io.ocellus.models.inference.InferenceEngine;
import io.ocellus.models.inference.Outputs;
import io.ocellus.models.io.ModelLocator;
import io.ocellus.pipeline.config.ModelOptions;
import io.ocellus.pipeline.testutils.LoopbackMiniCluster;
import io.ocellus.pipeline.testutils.Samples;
import io.ocellus.pipeline.tools.EmbeddedKafkaBroker;
import io.ocellus.pipeline.tools.FrameClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The SQL of deploy/sql/classify-frames.sql end to end: raw frames from the in-process broker
 * through {@code ML_PREDICT} to a Kafka topic written exactly once, read back read_committed.
 */
class KafkaSqlITCase {
    @RegisterExtension static final MiniClusterExtension FLINK = LoopbackMiniCluster.extension();

    @Test
    void everyFrameOnceWithTheEnginesLabelAndBadFramesWithTheirError() throws Exception {
        Path models = ModelLocator.defaultDirectory();
        assumeTrue(models != null && Files.isDirectory(models), "weights not found: skipped");
        Map<String, byte[]> frames = new LinkedHashMap<>(Samples.pictures());
        byte[] first = frames.values().iterator().next();
        frames.put("truncated", Arrays.copyOf(first, first.length / 3));
        frames.put("text", "not a picture".getBytes(StandardCharsets.UTF_8));
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            kafka.createTopics(1, List.of("frames", "labels"));
            FrameClients.sendRaw(kafka.bootstrapServers(), "frames", "cam-1", frames);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            env.enableCheckpointing(500);
            StreamTableEnvironment tables = StreamTableEnvironment.create(env);
            List<String> script =
                    SqlScript.statements(
                            Files.readString(Path.of("..", "deploy", "sql", "classify-frames.sql")),
                            Map.of(
                                    "BOOTSTRAP", kafka.bootstrapServers(),
                                    "MODELS", models.toString(),
                                    "JOB", "ocellus-sql-it"));
            for (String statement : script) {
                if (statement.startsWith("INSERT")) {
                    tables.executeSql(statement).await();
                } else {
                    tables.executeSql(statement);
                }
            }
            Map<String, JsonNode> labels = read(kafka.bootstrapServers(), frames.size());
            assertThat(labels.keySet()).containsExactlyInAnyOrderElementsOf(frames.keySet());
            assertThat(labels.get("truncated").get("error").asText()).startsWith("UNDECODABLE");
            assertThat(labels.get("text").get("label").isNull()).isTrue();
            Configuration settings = new Configuration();
            settings.setString("ocellus.model.path", models.toString());
            settings.setString("ocellus.model.alpha", "0.25");
            settings.setString("ocellus.model.resolution", "128");
            try (InferenceEngine engine = ModelOptions.open(settings, List.of());
                    ScaledJpegDecoder scaler = new ScaledJpegDecoder()) {
                ImageDecoder decoder = new ImageDecoder().withJpegScaling(scaler, 128);
                for (String picture : Samples.pictures().keySet()) {
                    String expected =
                            engine.infer(
                                            List.of(decoder.decode(frames.get(picture))),
                                            Outputs.classes(1))
                                    .get(0)
                                    .top()
                                    .get(0)
                                    .label();
                    assertThat(labels.get(picture).get("label").asText())
                            .as(picture)
                            .isEqualTo(expected);
                    assertThat(labels.get(picture).get("camera").asText()).isEqualTo("cam-1");
                }
            }
        }
    }

    /**
     * Frames in Ocellus's own Avro layout ({@code avro-binary}: ImageFrame records) read by Flink's
     * {@code avro} format: the table's columns follow ImageFrame's fields, in order.
     */
    @Test
    void readsImageFrameRecordsWithFlinksAvroFormat() throws Exception {
        Path models = ModelLocator.defaultDirectory();
        assumeTrue(models != null && Files.isDirectory(models), "weights not found: skipped");
        Map<String, byte[]> pictures = Samples.pictures();
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start();
                org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer =
                        FrameClients.producer(kafka.bootstrapServers(), Map.of())) {
            kafka.createTopics(1, List.of("avro-frames"));
            io.ocellus.schemas.serde.AvroCodec<io.ocellus.schemas.ImageFrame> codec =
                    io.ocellus.schemas.serde.AvroCodec.of(
                            io.ocellus.schemas.ImageFrame.class,
                            io.ocellus.schemas.serde.WireFormat.BINARY);
            for (Map.Entry<String, byte[]> picture : pictures.entrySet()) {
                io.ocellus.schemas.ImageFrame frame =
                        io.ocellus.schemas.ImageFrame.newBuilder()
                                .setSourceId("cam-2")
                                .setFrameId(picture.getKey())
                                .setEventTime(java.time.Instant.ofEpochMilli(1_700_000_000_000L))
                                .setImage(java.nio.ByteBuffer.wrap(picture.getValue()))
                                .build();
                producer.send(
                        new org.apache.kafka.clients.producer.ProducerRecord<>(
                                "avro-frames", codec.encode(frame)));
            }
            producer.flush();
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.setParallelism(1);
            StreamTableEnvironment tables = StreamTableEnvironment.create(env);
            tables.executeSql(
                    "CREATE TABLE avro_frames (sourceId STRING NOT NULL, frameId STRING NOT NULL,"
                            + " eventTime TIMESTAMP(3) NOT NULL, contentType STRING, image BYTES,"
                            + " claimCheck ROW<uri STRING NOT NULL, sizeBytes BIGINT, sha256 STRING>,"
                            + " latitude DOUBLE, longitude DOUBLE,"
                            + " attributes MAP<STRING NOT NULL, STRING NOT NULL> NOT NULL)"
                            + " WITH ('connector' = 'kafka', 'topic' = 'avro-frames',"
                            + " 'properties.bootstrap.servers' = '"
                            + kafka.bootstrapServers()
                            + "', 'properties.group.id' = 'avro-it',"
                            + " 'scan.startup.mode' = 'earliest-offset',"
                            + " 'scan.bounded.mode' = 'latest-offset', 'format' = 'avro')");
            tables.executeSql(
                    "CREATE TEMPORARY MODEL m INPUT (image BYTES) OUTPUT (label STRING, error STRING)"
                            + " WITH ('provider' = 'ocellus', 'ocellus.model.path' = '"
                            + models
                            + "', 'ocellus.model.alpha' = '0.25', 'ocellus.model.resolution' = '128')");
            Map<String, String> labels = new java.util.HashMap<>();
            try (org.apache.flink.util.CloseableIterator<org.apache.flink.types.Row> rows =
                    tables.executeSql(
                                    "SELECT frameId, label, error FROM ML_PREDICT(TABLE"
                                            + " avro_frames, MODEL m, DESCRIPTOR(image))")
                            .collect()) {
                rows.forEachRemaining(
                        row -> {
                            assertThat(row.getField(2)).as("error").isNull();
                            labels.put((String) row.getField(0), (String) row.getField(1));
                        });
            }
            assertThat(labels.keySet()).containsExactlyInAnyOrderElementsOf(pictures.keySet());
            assertThat(labels.get("parrot.jpg")).isEqualTo("macaw");
        }
    }

    private static Map<String, JsonNode> read(String bootstrap, int expected) throws Exception {
        ObjectMapper json = new ObjectMapper();
        Map<String, JsonNode> labels = new HashMap<>();
        int records = 0;
        try (KafkaConsumer<byte[], byte[]> consumer =
                FrameClients.committedReader(bootstrap, Map.of(), "sql-it-reader")) {
            consumer.subscribe(List.of("labels"));
            long deadline = System.currentTimeMillis() + 60_000;
            long quietSince = System.currentTimeMillis();
            while (System.currentTimeMillis() < deadline
                    && (records < expected || System.currentTimeMillis() - quietSince < 2000)) {
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    JsonNode row = json.readTree(record.value());
                    labels.put(row.get("frame_id").asText(), row);
                    records++;
                    quietSince = System.currentTimeMillis();
                }
            }
        }
        assertThat(records).as("every frame exactly once").isEqualTo(expected);
        return labels;
    }
}
