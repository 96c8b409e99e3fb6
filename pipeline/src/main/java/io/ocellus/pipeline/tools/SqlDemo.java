package io.ocellus.pipeline.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ocellus.models.io.ModelLocator;
import io.ocellus.pipeline.config.Jobs;
import io.ocellus.pipeline.sql.SqlScript;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * {@code ocellus demo --sql}: the SQL file (deploy/sql/classify-frames.sql) on the in-process
 * broker and a local cluster, over the sample pictures; prints the label rows it wrote.
 */
final class SqlDemo {
    private SqlDemo() {}

    static void run(PrintWriter out, List<Path> files, Path script) throws Exception {
        Path models = ModelLocator.defaultDirectory();
        if (models == null) {
            throw new IllegalStateException("no weights: set OCELLUS_MODEL_DIR");
        }
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            kafka.createTopics(1, List.of("frames", "labels"));
            Map<String, byte[]> frames = new LinkedHashMap<>();
            for (Path file : files) {
                frames.put(file.getFileName().toString(), Files.readAllBytes(file));
            }
            FrameClients.sendRaw(kafka.bootstrapServers(), "frames", "demo-camera", frames);
            out.printf(
                    "Kafka broker on %s; sent %d frames to frames; running %s...%n",
                    kafka.bootstrapServers(), frames.size(), script);
            out.flush();
            Configuration settings = new Configuration();
            settings.setString("parallelism.default", "1");
            settings.setString("execution.checkpointing.interval", "1 s");
            StreamTableEnvironment tables =
                    StreamTableEnvironment.create(Jobs.environment(settings));
            for (String statement :
                    SqlScript.statements(
                            Files.readString(script),
                            Map.of(
                                    "BOOTSTRAP", kafka.bootstrapServers(),
                                    "MODELS", models.toString(),
                                    "JOB", "ocellus-sql-demo"))) {
                var result = tables.executeSql(statement);
                if (statement.startsWith("INSERT")) {
                    result.await();
                }
            }
            print(out, read(kafka.bootstrapServers()), frames.size());
        }
    }

    private static List<JsonNode> read(String bootstrap) throws IOException {
        ObjectMapper json = new ObjectMapper();
        List<JsonNode> rows = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer =
                FrameClients.committedReader(bootstrap, Map.of(), "sql-demo-reader")) {
            consumer.subscribe(List.of("labels"));
            long quietUntil = System.currentTimeMillis() + 3000;
            while (System.currentTimeMillis() < quietUntil) {
                for (ConsumerRecord<byte[], byte[]> record :
                        consumer.poll(Duration.ofMillis(200))) {
                    rows.add(json.readTree(record.value()));
                    quietUntil = System.currentTimeMillis() + 2000;
                }
            }
        }
        return rows;
    }

    private static void print(PrintWriter out, List<JsonNode> rows, int sent) {
        out.println();
        for (JsonNode row : rows) {
            out.printf(
                    Locale.ROOT,
                    "%-32s %s%n",
                    row.path("frame_id").asText(),
                    row.path("error").isNull()
                            ? String.format(
                                    Locale.ROOT,
                                    "%s %.2f",
                                    row.path("label").asText(),
                                    row.path("score").asDouble())
                            : "error " + row.path("error").asText());
        }
        out.printf(Locale.ROOT, "%n%d frames in: %d rows in labels%n", sent, rows.size());
        out.flush();
    }
}
