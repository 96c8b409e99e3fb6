package io.ocellus.operators.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ocellus.operators.DeadLetters;
import io.ocellus.schemas.ClaimCheck;
import io.ocellus.schemas.DeadLetter;
import io.ocellus.schemas.ImageFrame;
import io.ocellus.schemas.Stage;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

class FrameDecodeFunctionTest {
    private static ImageFrame frame(String id, byte[] image) {
        return ImageFrame.newBuilder()
                .setSourceId("cam")
                .setFrameId(id)
                .setEventTime(Instant.ofEpochMilli(5))
                .setImage(image == null ? null : ByteBuffer.wrap(image))
                .setAttributes(Map.of())
                .build();
    }

    private static byte[] parrot() throws Exception {
        Path images = Path.of(System.getProperty("ocellus.images.dir", "../shared/images"));
        assumeTrue(Files.isDirectory(images), "test images not found: skipped");
        return Files.readAllBytes(images.resolve("parrot.jpg"));
    }

    private static OneInputStreamOperatorTestHarness<ImageFrame, DecodedFrame> harness(
            long maxPixels) throws Exception {
        OneInputStreamOperatorTestHarness<ImageFrame, DecodedFrame> harness =
                new OneInputStreamOperatorTestHarness<>(
                        new ProcessOperator<>(new FrameDecodeFunction(maxPixels)));
        harness.open();
        return harness;
    }

    @Test
    void decodesGoodFramesAndSendsEveryBadOneToDeadLettersWithItsReason() throws Exception {
        byte[] jpeg = parrot();
        ImageFrame claimed = frame("claimed", null);
        claimed.setClaimCheck(new ClaimCheck("s3://bucket/frame.jpg", null, null));
        try (var harness = harness(50_000_000)) {
            harness.processElement(frame("good", jpeg), 1);
            harness.processElement(frame("truncated", Arrays.copyOf(jpeg, jpeg.length / 3)), 2);
            harness.processElement(frame("zero", new byte[0]), 3);
            harness.processElement(frame("noise", "definitely not a picture".getBytes()), 4);
            harness.processElement(frame("none", null), 5);
            harness.processElement(claimed, 6);

            List<DecodedFrame> decoded = harness.extractOutputValues();
            assertThat(decoded).hasSize(1);
            assertThat(decoded.get(0).frameId).isEqualTo("good");
            assertThat(decoded.get(0).rgb)
                    .hasSize(decoded.get(0).width * decoded.get(0).height * 3);

            List<DeadLetter> dead =
                    harness.getSideOutput(DeadLetters.TAG).stream()
                            .map(StreamRecord::getValue)
                            .toList();
            assertThat(dead)
                    .extracting(
                            letter -> letter.getFrame().getFrameId() + ":" + letter.getReasonCode())
                    .containsExactly(
                            "truncated:UNDECODABLE",
                            "zero:EMPTY",
                            "noise:UNSUPPORTED_FORMAT",
                            "none:EMPTY",
                            "claimed:CLAIM_CHECK_NOT_SUPPORTED");
            assertThat(dead).allMatch(letter -> letter.getStage() == Stage.DECODE);
            assertThat(dead.get(0).getOriginal().remaining()).isEqualTo(jpeg.length / 3);
            assertThat(dead.get(4).getOriginalUri()).isEqualTo("s3://bucket/frame.jpg");
        }
    }

    @Test
    void refusesFramesOverThePixelLimit() throws Exception {
        try (var harness = harness(1000)) {
            harness.processElement(frame("big", parrot()), 1);
            assertThat(harness.extractOutputValues()).isEmpty();
            assertThat(harness.getSideOutput(DeadLetters.TAG))
                    .extracting(record -> record.getValue().getReasonCode())
                    .containsExactly("TOO_LARGE");
        }
    }
}
