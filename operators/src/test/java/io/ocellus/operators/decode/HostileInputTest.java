package io.ocellus.operators.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ocellus.operators.DeadLetters;
import io.ocellus.schemas.ImageFrame;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * Inputs built to hurt a decoder: each is a dead letter with a reason, or decodes, within bounded
 * time and memory (the tests run in a 2 GB heap); none fails the operator.
 */
class HostileInputTest {
    @Test
    void aDecodeOverTheTimeLimitIsADeadLetterAndTheStreamGoesOn() throws Exception {
        byte[] jpeg = parrot();
        DecodeOptions strict = DecodeOptions.defaults().withMaxDecodeMillis(1);
        long start = System.nanoTime();
        try (var harness = harness(strict)) {
            for (int i = 0; i < 5; i++) {
                harness.processElement(frame("slow-" + i, jpeg), i);
            }
            List<String> reasons =
                    harness.getSideOutput(DeadLetters.TAG).stream()
                            .map(StreamRecord::getValue)
                            .map(d -> d.getReasonCode().toString())
                            .toList();
            assertThat(harness.extractOutputValues().size() + reasons.size()).isEqualTo(5);
            assertThat(reasons).isNotEmpty().allMatch("DECODE_TIMEOUT"::equals);
        }
        assertThat((System.nanoTime() - start) / 1e9).as("seconds").isLessThan(10);
        try (var harness = harness(DecodeOptions.defaults())) {
            harness.processElement(frame("normal", jpeg), 1);
            assertThat(harness.extractOutputValues()).hasSize(1);
        }
    }

    @Test
    void aPngWithACompressedTextBombDecodesWithoutInflatingIt() throws Exception {
        // 1 GiB of zeros deflates to about 1 MB; the decoder ignores metadata, so it never
        // inflates.
        byte[] keyword = "Comment\0\0".getBytes(StandardCharsets.ISO_8859_1); // name, method 0
        byte[] bomb = deflatedZeros(1L << 30);
        byte[] data = new byte[keyword.length + bomb.length];
        System.arraycopy(keyword, 0, data, 0, keyword.length);
        System.arraycopy(bomb, 0, data, keyword.length, bomb.length);
        byte[] png = withChunkBeforeEnd(png(64, 48), "zTXt", data);
        Outcome outcome = decode(png);
        assertThat(outcome.decoded()).as(outcome.reason()).isTrue();
    }

    @Test
    void aJpegWithHugeMetadataSegmentsDecodes() throws Exception {
        byte[] jpeg = parrot();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2); // SOI
        byte[] comment = new byte[65533];
        for (int i = 0; i < 200; i++) { // 13 MB of COM segments
            out.write(0xFF);
            out.write(0xFE);
            out.write((comment.length + 2) >> 8);
            out.write((comment.length + 2) & 0xFF);
            out.write(comment);
        }
        out.write(jpeg, 2, jpeg.length - 2);
        assertThat(decode(out.toByteArray()).decoded()).isTrue();
    }

    @Test
    void malformedHeadersAreDeadLettersWithTheirReasons() throws Exception {
        // A JPEG whose frame header claims 60000 x 60000 pixels: refused before decoding.
        byte[] jpeg = parrot();
        byte[] huge = jpeg.clone();
        int sof = indexOfSof(huge);
        huge[sof + 5] = (byte) 0xEA; // height 60000
        huge[sof + 6] = (byte) 0x60;
        huge[sof + 7] = (byte) 0xEA; // width 60000
        huge[sof + 8] = (byte) 0x60;
        assertThat(decode(huge).reason()).isEqualTo("TOO_LARGE");

        // A PNG whose header declares an impossible bit depth, and one cut inside its header.
        byte[] png = png(8, 8);
        byte[] badDepth = png.clone();
        badDepth[24] = 7; // IHDR bit depth: 1, 2, 4, 8 or 16
        assertThat(decode(badDepth).reason()).isEqualTo("UNDECODABLE");
        assertThat(decode(java.util.Arrays.copyOf(png, 20)).reason()).isEqualTo("UNDECODABLE");

        // A GIF header with nothing after it.
        assertThat(decode("GIF89a".getBytes(StandardCharsets.US_ASCII)).decoded()).isFalse();
    }

    private record Outcome(boolean decoded, String reason) {}

    private static Outcome decode(byte[] bytes) throws Exception {
        try (var harness = harness(DecodeOptions.defaults())) {
            harness.processElement(frame("hostile", bytes), 1);
            if (!harness.extractOutputValues().isEmpty()) {
                return new Outcome(true, "decoded");
            }
            var letters = harness.getSideOutput(DeadLetters.TAG);
            assertThat(letters).as("one outcome per frame").hasSize(1);
            return new Outcome(false, letters.peek().getValue().getReasonCode().toString());
        }
    }

    private static OneInputStreamOperatorTestHarness<ImageFrame, DecodedFrame> harness(
            DecodeOptions options) throws Exception {
        var harness =
                new OneInputStreamOperatorTestHarness<>(
                        new ProcessOperator<>(new FrameDecodeFunction(options)));
        harness.open();
        return harness;
    }

    private static ImageFrame frame(String id, byte[] image) {
        return ImageFrame.newBuilder()
                .setSourceId("hostile")
                .setFrameId(id)
                .setEventTime(Instant.ofEpochMilli(5))
                .setImage(ByteBuffer.wrap(image))
                .setAttributes(Map.of())
                .build();
    }

    private static byte[] parrot() throws Exception {
        Path images = Path.of(System.getProperty("ocellus.images.dir", "../shared/images"));
        assumeTrue(Files.isDirectory(images), "test images not found: skipped");
        return Files.readAllBytes(images.resolve("parrot.jpg"));
    }

    private static byte[] png(int width, int height) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB), "png", out);
        return out.toByteArray();
    }

    /** The PNG with one more chunk inserted before IEND (the last 12 bytes). */
    private static byte[] withChunkBeforeEnd(byte[] png, String type, byte[] data) {
        ByteBuffer chunk = ByteBuffer.allocate(12 + data.length);
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        chunk.putInt(data.length).put(typeBytes).put(data);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        chunk.putInt((int) crc.getValue());
        byte[] out = new byte[png.length + chunk.capacity()];
        System.arraycopy(png, 0, out, 0, png.length - 12);
        System.arraycopy(chunk.array(), 0, out, png.length - 12, chunk.capacity());
        System.arraycopy(png, png.length - 12, out, png.length - 12 + chunk.capacity(), 12);
        return out;
    }

    private static byte[] deflatedZeros(long count) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION);
        byte[] zeros = new byte[1 << 20];
        byte[] buffer = new byte[1 << 16];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long done = 0; done < count; done += zeros.length) {
            deflater.setInput(zeros);
            while (!deflater.needsInput()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
        }
        deflater.finish();
        while (!deflater.finished()) {
            out.write(buffer, 0, deflater.deflate(buffer));
        }
        deflater.end();
        return out.toByteArray();
    }

    /** The offset of the SOF0..SOF2 marker, walking the segments from the start. */
    private static int indexOfSof(byte[] jpeg) {
        int pos = 2;
        while (pos + 4 <= jpeg.length && (jpeg[pos] & 0xFF) == 0xFF) {
            int marker = jpeg[pos + 1] & 0xFF;
            if (marker >= 0xC0 && marker <= 0xC2) {
                return pos;
            }
            pos += 2 + ((jpeg[pos + 2] & 0xFF) << 8 | (jpeg[pos + 3] & 0xFF));
        }
        throw new IllegalStateException("no SOF marker");
    }
}
