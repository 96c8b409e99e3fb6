package io.ocellus.pipeline.tools;

import io.ocellus.models.ModelException;
import io.ocellus.pipeline.cli.ExitCode;
import io.ocellus.pipeline.cli.ImageFiles;
import io.ocellus.pipeline.cli.ModelFlags;
import io.ocellus.pipeline.cli.StreamOptions;
import io.ocellus.pipeline.kafka.StreamJob;
import io.ocellus.pipeline.kafka.StreamJobOptions;
import io.ocellus.schemas.Classification;
import io.ocellus.schemas.DeadLetter;
import io.ocellus.schemas.ScoredLabel;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ocellus demo}: the streaming job on an embedded default. Starts an Apache Kafka broker
 * (KRaft, 127.0.0.1 only) and a local Flink cluster in this JVM, sends the sample images as raw
 * frames, runs the job exactly-once over them, prints what comes back on the output topics and
 * stops everything it started.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description =
                "Run the streaming job on an in-process Kafka broker and local Flink cluster over sample images.")
public final class DemoCommand implements Callable<Integer> {
    private static final List<String> TOPICS =
            List.of("ocellus-classifications", "ocellus-dead-letters");

    @Spec CommandSpec spec;

    @Mixin ModelFlags model;

    @Mixin StreamOptions stream;

    @Option(
            names = "--images",
            paramLabel = "DIR",
            defaultValue = "../shared/images",
            description =
                    "Pictures to send as frames (*.jpg, *.jpeg, *.png, *.bmp, *.gif). Default: ${DEFAULT-VALUE}.")
    Path images;

    @Option(
            names = "--sql",
            description =
                    "Run the Flink SQL version instead: --sql-file's statements (ML_PREDICT with 'provider' = 'ocellus'), labels as JSON rows.")
    boolean sql;

    @Option(
            names = "--sql-file",
            paramLabel = "FILE",
            defaultValue = "deploy/sql/classify-frames.sql",
            description = "The SQL of --sql. Default: ${DEFAULT-VALUE}.")
    Path sqlFile;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<Path> files = ImageFiles.expand(List.of(images));
        if (files.isEmpty()) {
            spec.commandLine().getErr().println("ocellus: no pictures in " + images);
            return ExitCode.SOME_FAILED.code();
        }
        if (sql) {
            SqlDemo.run(out, files, sqlFile);
            return 0;
        }
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            out.printf("Kafka broker on %s%n", kafka.bootstrapServers());
            kafka.createTopics(2, List.of("ocellus-frames"));
            kafka.createTopics(1, TOPICS);
            produce(kafka, files);
            out.printf("sent %d frames to ocellus-frames; running the job...%n", files.size());
            out.flush();
            runJob(kafka);
            print(out, kafka, files.size());
        } catch (ModelException e) {
            spec.commandLine().getErr().println("ocellus: " + e.getMessage());
            return ExitCode.CANNOT_RUN.code();
        }
        return 0;
    }

    private void runJob(EmbeddedKafkaBroker kafka) throws Exception {
        StreamJobOptions options =
                stream.classificationJob(
                        kafka.bootstrapServers(),
                        "ocellus-frames",
                        TOPICS.get(0),
                        TOPICS.get(1),
                        "ocellus-demo",
                        true,
                        stream.workflow(true, false, false).options());
        StreamExecutionEnvironment env = stream.environment(1, 1000L);
        StreamJob.define(env, options);
        env.execute("ocellus-demo");
    }

    private static void produce(EmbeddedKafkaBroker kafka, List<Path> files) throws IOException {
        Map<String, byte[]> frames = new LinkedHashMap<>();
        for (Path file : files) {
            frames.put(file.getFileName().toString(), Files.readAllBytes(file));
        }
        FrameClients.sendRaw(kafka.bootstrapServers(), "ocellus-frames", "demo-camera", frames);
    }

    private void print(PrintWriter out, EmbeddedKafkaBroker kafka, int sent) throws IOException {
        List<Classification> classifications = read(kafka, TOPICS.get(0), Classification.class);
        List<DeadLetter> deadLetters = read(kafka, TOPICS.get(1), DeadLetter.class);
        out.println();
        for (Classification c : classifications) {
            String labels =
                    c.getTop().stream()
                            .limit(3)
                            .map(DemoCommand::label)
                            .collect(Collectors.joining(", "));
            out.printf(Locale.ROOT, "%-32s %s%n", c.getFrame().getFrameId(), labels);
        }
        for (DeadLetter d : deadLetters) {
            out.printf(
                    Locale.ROOT,
                    "%-32s dead letter %s: %s%n",
                    d.getFrame() == null ? "?" : d.getFrame().getFrameId(),
                    d.getReasonCode(),
                    d.getMessage());
        }
        out.printf(
                Locale.ROOT,
                "%n%d frames in: %d classified (%s), %d dead letters (%s); model %s%n",
                sent,
                classifications.size(),
                TOPICS.get(0),
                deadLetters.size(),
                TOPICS.get(1),
                classifications.isEmpty() ? "-" : classifications.get(0).getModelId());
        out.flush();
    }

    private static String label(ScoredLabel label) {
        String name = label.getLabel();
        int comma = name.indexOf(',');
        return String.format(
                Locale.ROOT,
                "%s %.2f",
                comma > 0 ? name.substring(0, comma) : name,
                label.getScore());
    }

    private <T extends SpecificRecord> List<T> read(
            EmbeddedKafkaBroker kafka, String topic, Class<T> type) throws IOException {
        return FrameClients.readCommitted(
                kafka.bootstrapServers(),
                topic,
                type,
                stream.outputCodec(),
                0,
                Duration.ofSeconds(2),
                Duration.ofSeconds(30));
    }
}
