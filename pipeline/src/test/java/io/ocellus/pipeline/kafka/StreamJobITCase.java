package io.ocellus.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocellus.models.inference.InputSpec;
import io.ocellus.models.inference.Predictor;
import io.ocellus.models.inference.PredictorFactory;
import io.ocellus.operators.batch.MicroBatchOptions;
import io.ocellus.operators.decode.DecodeOptions;
import io.ocellus.operators.inference.InferenceTasks;
import io.ocellus.pipeline.testutils.FailingOnceFactory;
import io.ocellus.pipeline.testutils.LoopbackMiniCluster;
import io.ocellus.pipeline.testutils.Results;
import io.ocellus.pipeline.testutils.Samples;
import io.ocellus.pipeline.tools.EmbeddedKafkaBroker;
import io.ocellus.pipeline.tools.FrameClients;
import io.ocellus.pipeline.workflow.WorkflowOptions;
import io.ocellus.schemas.Classification;
import io.ocellus.schemas.DeadLetter;
import io.ocellus.schemas.serde.WireFormat;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The streaming job end to end on a MiniCluster and an in-process Kafka broker (both on 127.0.0.1):
 * raw frames in, exactly-once Avro results out, read back with read_committed.
 */
class StreamJobITCase {
    @RegisterExtension static final MiniClusterExtension FLINK = LoopbackMiniCluster.extension();

    @Test
    void everyFrameComesOutOnceAsAResultOrADeadLetter() throws Exception {
        Map<String, byte[]> good = Samples.pictures();
        byte[] parrot = good.get("parrot.jpg");
        byte[] noise = new byte[4096];
        new Random(11).nextBytes(noise);
        Map<String, byte[]> bad =
                Map.of(
                        "truncated",
                        Arrays.copyOf(parrot, parrot.length / 2),
                        "zero-bytes",
                        new byte[0],
                        "random-bytes",
                        noise);
        try (EmbeddedKafkaBroker kafka = start()) {
            FrameClients.sendRaw(kafka.bootstrapServers(), "frames", "camera-1", good);
            FrameClients.sendRaw(kafka.bootstrapServers(), "frames", "camera-1", bad);
            run(kafka, "ocellus-it", Samples.engine(1.0, 224), 8);

            List<Classification> classifications =
                    read(kafka, "classifications", good.size(), Classification.class);
            List<DeadLetter> deadLetters =
                    read(kafka, "dead-letters", bad.size(), DeadLetter.class);
            List<String> ids = new ArrayList<>();
            classifications.forEach(c -> ids.add(c.getFrame().getFrameId()));
            deadLetters.forEach(d -> ids.add(d.getFrame().getFrameId()));
            List<String> expected = new ArrayList<>(good.keySet());
            expected.addAll(bad.keySet());
            assertThat(ids).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(classifications)
                    .filteredOn(c -> c.getFrame().getFrameId().equals("parrot.jpg"))
                    .extracting(c -> c.getTop().get(0).getLabel())
                    .containsExactly("macaw");
            assertThat(classifications)
                    .allMatch(c -> c.getFrame().getSourceId().equals("camera-1"));
            assertThat(deadLetters)
                    .extracting(d -> d.getFrame().getFrameId() + ":" + d.getReasonCode())
                    .containsExactlyInAnyOrder(
                            "truncated:UNDECODABLE",
                            "zero-bytes:EMPTY",
                            "random-bytes:UNSUPPORTED_FORMAT");
        }
    }

    @Test
    void carriesA20MegabyteFrameEndToEnd() throws Exception {
        // An uncompressed 2600 x 2600 BMP: 20.3 MB in one Kafka record, within the documented
        // limits (broker and topic 32 MB, producer max.request.size, consumer fetch sizes).
        BufferedImage picture = new BufferedImage(2600, 2600, BufferedImage.TYPE_3BYTE_BGR);
        java.awt.Graphics2D g = picture.createGraphics();
        g.drawImage(
                ImageIO.read(
                        new java.io.ByteArrayInputStream(Samples.pictures().get("parrot.jpg"))),
                0,
                0,
                2600,
                2600,
                null);
        g.dispose();
        ByteArrayOutputStream bmp = new ByteArrayOutputStream();
        ImageIO.write(picture, "bmp", bmp);
        assertThat(bmp.size()).isGreaterThan(20_000_000);
        try (EmbeddedKafkaBroker kafka = start()) {
            FrameClients.sendRaw(
                    kafka.bootstrapServers(),
                    "frames",
                    "camera-1",
                    Map.of("big-parrot.bmp", bmp.toByteArray()));
            run(kafka, "ocellus-it-large", Samples.engine(0.25, 128), 1);
            assertThat(read(kafka, "classifications", 1, Classification.class))
                    .singleElement()
                    .extracting(c -> c.getFrame().getFrameId())
                    .isEqualTo("big-parrot.bmp");
        }
    }

    @Test
    void recoversFromAFailureMidStreamWithoutLossOrDuplicates() throws Exception {
        FailingOnceFactory.reset();
        runThroughAFailure(
                "ocellus-it-recovery", new FailingOnceFactory(Samples.engine(0.25, 128), 6));
    }

    @Test
    void anEngineFaultRestartsTheTaskAndTurnsNoFrameIntoADeadLetter() throws Exception {
        FailingOnceFactory.reset();
        runThroughAFailure(
                "ocellus-it-engine-fault",
                FailingOnceFactory.engineFault(Samples.engine(0.25, 128), 4));
    }

    /**
     * Three copies of the pictures through a job whose model fails once: every frame comes out once
     * after the restart, and none as a dead letter.
     */
    private static void runThroughAFailure(String jobName, FailingOnceFactory model)
            throws Exception {
        Map<String, byte[]> frames = new LinkedHashMap<>();
        for (int copy = 0; copy < 3; copy++) {
            for (Map.Entry<String, byte[]> picture : Samples.pictures().entrySet()) {
                frames.put(copy + "-" + picture.getKey(), picture.getValue());
            }
        }
        try (EmbeddedKafkaBroker kafka = start()) {
            FrameClients.sendRaw(kafka.bootstrapServers(), "frames", "camera-1", frames);
            run(kafka, jobName, model, 2);
            assertThat(FailingOnceFactory.failed()).as("the failure was injected").isTrue();

            List<String> ids =
                    read(kafka, "classifications", frames.size(), Classification.class).stream()
                            .map(c -> c.getFrame().getFrameId())
                            .toList();
            assertThat(ids)
                    .as("every frame once, after the restart")
                    .containsExactlyInAnyOrderElementsOf(frames.keySet());
            assertThat(read(kafka, "dead-letters", 0, DeadLetter.class))
                    .as("a failure of the model is not the frames' fault")
                    .isEmpty();
        }
    }

    /** The model's input, so that frames are resized in the decoding task. */
    private static InputSpec input(PredictorFactory model) throws Exception {
        try (Predictor probe = model.open()) {
            return InputSpec.of(probe);
        }
    }

    private static EmbeddedKafkaBroker start() throws Exception {
        EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start();
        kafka.createTopics(2, List.of("frames"));
        kafka.createTopics(1, List.of("classifications", "dead-letters"));
        return kafka;
    }

    /** Runs the bounded job, exactly-once, checkpointing every 200 ms. */
    private static void run(
            EmbeddedKafkaBroker kafka, String jobName, PredictorFactory model, int batchSize)
            throws Exception {
        WorkflowOptions workflow =
                new WorkflowOptions(
                        model,
                        new InferenceTasks(3, false, false, false),
                        new MicroBatchOptions(batchSize, Duration.ofMillis(100)),
                        DecodeOptions.defaults().withJpegMinSide(224).withInput(input(model)));
        StreamJobOptions options =
                StreamJobOptions.builder()
                        .setBootstrapServers(kafka.bootstrapServers())
                        .setInputTopic("frames")
                        .setDeadLetterTopic("dead-letters")
                        .setJobName(jobName)
                        .setWorkflow(workflow)
                        .optClassificationsTopic("classifications")
                        .optOutputFormat(WireFormat.SINGLE_OBJECT)
                        .optBounded(true)
                        .build();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        env.enableCheckpointing(200);
        StreamJob.define(env, options);
        env.execute(jobName);
    }

    private static <T extends SpecificRecord> List<T> read(
            EmbeddedKafkaBroker kafka, String topic, int expected, Class<T> type) throws Exception {
        return Results.read(kafka, topic, type, expected, Duration.ofSeconds(20));
    }
}
