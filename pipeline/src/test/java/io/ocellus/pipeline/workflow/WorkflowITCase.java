package io.ocellus.pipeline.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocellus.operators.batch.MicroBatchOptions;
import io.ocellus.operators.decode.DecodeOptions;
import io.ocellus.operators.inference.InferenceTasks;
import io.ocellus.pipeline.testutils.LoopbackMiniCluster;
import io.ocellus.pipeline.testutils.Samples;
import io.ocellus.schemas.ImageFrame;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The whole workflow on a Flink MiniCluster (bound to 127.0.0.1) with the real 1.0_224 weights:
 * every frame in comes out exactly once per task or as a dead letter, real images get their real
 * labels, and malformed frames carry their reasons.
 */
class WorkflowITCase {
    @RegisterExtension static final MiniClusterExtension FLINK = LoopbackMiniCluster.extension();

    @Test
    void accountsForEveryFrameAndLabelsRealImages() throws Exception {
        List<ImageFrame> frames = new ArrayList<>();
        Samples.pictures().forEach((name, bytes) -> frames.add(frame(name, bytes)));
        int good = frames.size();
        byte[] parrot = Samples.pictures().get("parrot.jpg");
        byte[] noise = new byte[2048];
        new Random(9).nextBytes(noise);
        frames.add(frame("truncated", Arrays.copyOf(parrot, parrot.length / 2)));
        frames.add(frame("zero-bytes", new byte[0]));
        frames.add(frame("random-bytes", noise));
        frames.add(frame("huge-dimensions", hugePng()));

        WorkflowOptions options =
                new WorkflowOptions(
                        Samples.engine(1.0, 224),
                        new InferenceTasks(3, true, true, true),
                        new MicroBatchOptions(4, Duration.ofMillis(200)),
                        DecodeOptions.defaults().withJpegMinSide(224));

        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(1);
        WorkflowOutputs out =
                OcellusWorkflow.define(
                        env.fromData(frames, TypeInformation.of(ImageFrame.class)), options);
        DataStream<String> all =
                out.classifications()
                        .map(
                                c ->
                                        "C "
                                                + c.getFrame().getFrameId()
                                                + " "
                                                + c.getTop().get(0).getLabel())
                        .union(
                                out.embeddings()
                                        .map(
                                                e ->
                                                        "E "
                                                                + e.getFrame().getFrameId()
                                                                + " "
                                                                + e.getVector().size()),
                                out.features()
                                        .map(
                                                f ->
                                                        "F "
                                                                + f.getFrame().getFrameId()
                                                                + " "
                                                                + f.getMaps().size()),
                                out.deadLetters()
                                        .map(
                                                d ->
                                                        "D "
                                                                + d.getFrame().getFrameId()
                                                                + " "
                                                                + d.getReasonCode()));
        List<String> lines = all.executeAndCollect(1000);

        Map<String, List<String>> byKind = new HashMap<>();
        for (String line : lines) {
            byKind.computeIfAbsent(line.substring(0, 1), k -> new ArrayList<>()).add(line);
        }
        assertThat(byKind.get("C")).hasSize(good);
        assertThat(byKind.get("E")).hasSize(good).allMatch(line -> line.endsWith(" 1024"));
        assertThat(byKind.get("F")).hasSize(good).allMatch(line -> line.endsWith(" 2"));
        assertThat(byKind.get("D"))
                .containsExactlyInAnyOrder(
                        "D truncated UNDECODABLE",
                        "D zero-bytes EMPTY",
                        "D random-bytes UNSUPPORTED_FORMAT",
                        "D huge-dimensions TOO_LARGE");
        assertThat(byKind.get("C"))
                .contains("C parrot.jpg macaw", "C grace_hopper.bmp military uniform");
    }

    private static ImageFrame frame(String id, byte[] image) {
        return ImageFrame.newBuilder()
                .setSourceId("it")
                .setFrameId(id)
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
                .setImage(ByteBuffer.wrap(image))
                .setAttributes(Map.of())
                .build();
    }

    /** A valid 1x1 PNG whose header claims 100000 x 100000 pixels. */
    private static byte[] hugePng() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB), "png", out);
        byte[] png = out.toByteArray();
        ByteBuffer header = ByteBuffer.wrap(png);
        header.putInt(16, 100_000).putInt(20, 100_000);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        header.putInt(29, (int) crc.getValue());
        return png;
    }
}
