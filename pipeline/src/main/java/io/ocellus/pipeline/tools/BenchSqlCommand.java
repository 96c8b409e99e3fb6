package io.ocellus.pipeline.tools;

import io.ocellus.pipeline.cli.ModelFlags;
import io.ocellus.pipeline.config.BatchingOptions;
import io.ocellus.pipeline.config.Jobs;
import io.ocellus.pipeline.config.ModelOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ocellus bench-sql}: the same frames through the DataStream job and through {@code
 * ML_PREDICT}, alternately, on one in-process broker and local cluster. Each run reads the whole
 * topic and its rate is taken from the moments its results arrive (first to last), so job start-up
 * is not counted.
 */
@Command(
        name = "bench-sql",
        mixinStandardHelpOptions = true,
        description =
                "Measure frames/s of the Flink SQL path (ML_PREDICT, 'provider' = 'ocellus') next to the DataStream job on the same frames, in one run.")
public final class BenchSqlCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ModelFlags model;

    @Option(
            names = "--image",
            paramLabel = "FILE",
            defaultValue = "../shared/images/cat_720p.jpg",
            description = "The frame to send (a 720p JPEG). Default: ${DEFAULT-VALUE}.")
    Path image;

    @Option(
            names = "--frames",
            defaultValue = "400",
            description = "Frames per run. Default: ${DEFAULT-VALUE}.")
    int frames;

    @Option(
            names = "--rounds",
            defaultValue = "2",
            description = "Runs of each path, alternating. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(
            names = "--max-concurrent",
            defaultValue = "32",
            description =
                    "ML_PREDICT's max-concurrent-operations: rows in flight per subtask. Default: ${DEFAULT-VALUE}.")
    int maxConcurrent;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Configuration settings = model.configuration();
        byte[] jpeg = Files.readAllBytes(image);
        List<Double> stream = new ArrayList<>();
        List<Double> sql = new ArrayList<>();
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            kafka.createTopics(2, List.of("bench-frames"));
            send(kafka.bootstrapServers(), jpeg);
            for (int round = 1; round <= rounds; round++) {
                stream.add(dataStream(kafka, settings, round));
                sql.add(sqlPath(kafka, settings, round));
                out.printf(
                        Locale.ROOT,
                        "round %d: DataStream %.1f frames/s, SQL %.1f frames/s (%.0f%%)%n",
                        round,
                        stream.get(round - 1),
                        sql.get(round - 1),
                        100 * sql.get(round - 1) / stream.get(round - 1));
                out.flush();
            }
        }
        double s = BenchTiming.median(stream);
        double q = BenchTiming.median(sql);
        out.printf(
                Locale.ROOT,
                "%d frames of %s, %s, batch %d, at-least-once: DataStream %.1f frames/s,"
                        + " SQL %.1f frames/s: %.0f%% (medians of %d rounds)%n",
                frames,
                image.getFileName(),
                ModelOptions.describe(settings),
                BatchingOptions.size(settings),
                s,
                q,
                100 * q / s,
                rounds);
        return 0;
    }

    private void send(String bootstrap, byte[] jpeg) {
        try (KafkaProducer<byte[], byte[]> producer =
                FrameClients.producer(bootstrap, Map.of("linger.ms", "5"))) {
            for (int i = 0; i < frames; i++) {
                producer.send(FrameClients.rawFrame("bench-frames", "bench", "f-" + i, jpeg));
            }
            producer.flush();
        }
    }

    private double dataStream(EmbeddedKafkaBroker kafka, Configuration model, int round)
            throws Exception {
        String topic = "ds-out-" + round;
        kafka.createTopics(1, List.of(topic, "ds-dead-" + round));
        Configuration settings = model.clone();
        settings.setString("ocellus.kafka.bootstrap-servers", kafka.bootstrapServers());
        settings.setString("ocellus.kafka.input-topic", "bench-frames");
        settings.setString("ocellus.kafka.classifications-topic", topic);
        settings.setString("ocellus.kafka.dead-letter-topic", "ds-dead-" + round);
        settings.setString("ocellus.job.name", "bench-ds-" + round);
        settings.setString("ocellus.job.bounded", "true");
        settings.setString("ocellus.job.delivery-guarantee", "at-least-once");
        Arrivals arrivals = new Arrivals(kafka.bootstrapServers(), topic);
        Jobs.runStream(settings);
        return arrivals.rate(frames);
    }

    private double sqlPath(EmbeddedKafkaBroker kafka, Configuration model, int round)
            throws Exception {
        String topic = "sql-out-" + round;
        kafka.createTopics(1, List.of(topic));
        StreamExecutionEnvironment env = Jobs.environment(model);
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        String kafkaOptions =
                "'connector' = 'kafka', 'properties.bootstrap.servers' = '"
                        + kafka.bootstrapServers()
                        + "'";
        tables.executeSql(
                "CREATE TABLE frames (image BYTES) WITH ("
                        + kafkaOptions
                        + ", 'topic' = 'bench-frames', 'properties.group.id' = 'bench-sql-"
                        + round
                        + "', 'scan.startup.mode' = 'earliest-offset',"
                        + " 'scan.bounded.mode' = 'latest-offset', 'format' = 'raw')");
        tables.executeSql(
                "CREATE TABLE labels (label STRING, score FLOAT, error STRING) WITH ("
                        + kafkaOptions
                        + ", 'topic' = '"
                        + topic
                        + "', 'format' = 'json', 'sink.delivery-guarantee' = 'at-least-once')");
        String with =
                model.toMap().entrySet().stream()
                        .filter(e -> e.getKey().startsWith("ocellus."))
                        .map(e -> "'" + e.getKey() + "' = '" + e.getValue() + "'")
                        .collect(Collectors.joining(", "));
        tables.executeSql(
                "CREATE TEMPORARY MODEL mobilenet INPUT (image BYTES)"
                        + " OUTPUT (label STRING, score FLOAT, error STRING)"
                        + " WITH ('provider' = 'ocellus', 'task' = 'classify'"
                        + (with.isEmpty() ? "" : ", " + with)
                        + ")");
        Arrivals arrivals = new Arrivals(kafka.bootstrapServers(), topic);
        tables.executeSql(
                        "INSERT INTO labels SELECT label, score, error FROM ML_PREDICT(TABLE"
                                + " frames, MODEL mobilenet, DESCRIPTOR(image),"
                                + " MAP['max-concurrent-operations', '"
                                + maxConcurrent
                                + "'])")
                .await();
        return arrivals.rate(frames);
    }

    /**
     * The moments results arrive on a topic, read as they come by a thread started before the job:
     * a result's own timestamp may be its input record's.
     */
    private static final class Arrivals {
        private final List<Long> times = Collections.synchronizedList(new ArrayList<>());
        private final Thread reader;
        private volatile boolean stop;

        Arrivals(String bootstrap, String topic) {
            reader =
                    new Thread(
                            () -> {
                                try (KafkaConsumer<byte[], byte[]> consumer =
                                        FrameClients.committedReader(
                                                bootstrap, Map.of(), "bench-rate-" + topic)) {
                                    consumer.subscribe(List.of(topic));
                                    while (!stop) {
                                        for (ConsumerRecord<byte[], byte[]> ignored :
                                                consumer.poll(Duration.ofMillis(5))) {
                                            times.add(System.currentTimeMillis());
                                        }
                                    }
                                }
                            },
                            "bench-sql-reader");
            reader.start();
        }

        /** Results per second between the first and last arrival, once {@code count} came. */
        double rate(int count) throws InterruptedException {
            long deadline = System.currentTimeMillis() + 60_000;
            while (times.size() < count && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            stop = true;
            reader.join();
            if (times.size() < count) {
                throw new IllegalStateException(times.size() + " of " + count + " results arrived");
            }
            List<Long> sorted = new ArrayList<>(times);
            Collections.sort(sorted);
            return (sorted.size() - 1)
                    * 1000.0
                    / Math.max(1, sorted.get(sorted.size() - 1) - sorted.get(0));
        }
    }
}
