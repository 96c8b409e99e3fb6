package io.ocellus.operators.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ocellus.models.inference.InputSpec;
import io.ocellus.models.inference.Preprocessing;
import io.ocellus.operators.DeadLetters;
import io.ocellus.schemas.ClaimCheck;
import io.ocellus.schemas.DeadLetter;
import io.ocellus.schemas.ImageFrame;
import io.ocellus.schemas.Stage;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
            DecodeOptions options) throws Exception {
        OneInputStreamOperatorTestHarness<ImageFrame, DecodedFrame> harness =
                new OneInputStreamOperatorTestHarness<>(
                        new ProcessOperator<>(new FrameDecodeFunction(options)));
        harness.open();
        return harness;
    }

    @Test
    void decodesGoodFramesAndSendsEveryBadOneToDeadLettersWithItsReason() throws Exception {
        byte[] jpeg = parrot();
        ImageFrame claimed = frame("claimed", null);
        claimed.setClaimCheck(new ClaimCheck("s3://bucket/frame.jpg", null, null));
        try (var harness = harness(DecodeOptions.defaults())) {
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
                            "claimed:CLAIM_CHECK_NOT_ALLOWED");
            assertThat(dead.subList(0, 4)).allMatch(letter -> letter.getStage() == Stage.DECODE);
            assertThat(dead.get(4).getStage()).isEqualTo(Stage.FETCH);
            assertThat(dead.get(0).getOriginal().remaining()).isEqualTo(jpeg.length / 3);
            assertThat(dead.get(4).getOriginalUri()).isEqualTo("s3://bucket/frame.jpg");
        }
    }

    @Test
    void decodesCameraJpegsWithProfilesAndCmykAndRefusesTheirTruncatedCopies() throws Exception {
        byte[] profiled = withIccProfile(parrot(), ColorSpace.CS_LINEAR_RGB);
        byte[] cmyk = adobeCmyk();
        // scaled in the DCT where large (the jobs' default), and every JPEG at full size
        for (DecodeOptions options :
                List.of(DecodeOptions.defaults(), DecodeOptions.defaults().withJpegMinSide(0))) {
            try (var harness = harness(options)) {
                harness.processElement(frame("profiled", profiled), 1);
                harness.processElement(frame("cmyk", cmyk), 2);
                harness.processElement(
                        frame("cut", Arrays.copyOf(profiled, profiled.length / 2)), 3);
                harness.processElement(frame("cut-cmyk", Arrays.copyOf(cmyk, cmyk.length - 2)), 4);
                assertThat(harness.extractOutputValues())
                        .extracting(decoded -> decoded.frameId)
                        .as("min side %d", options.jpegMinSide())
                        .containsExactly("profiled", "cmyk");
                assertThat(harness.getSideOutput(DeadLetters.TAG))
                        .extracting(
                                record ->
                                        record.getValue().getFrame().getFrameId()
                                                + ":"
                                                + record.getValue().getReasonCode())
                        .containsExactly("cut:UNDECODABLE", "cut-cmyk:UNDECODABLE");
            }
        }
    }

    /** The JPEG with an ICC profile of the colour space in an APP2 segment, as cameras embed it. */
    private static byte[] withIccProfile(byte[] jpeg, int colorSpace) {
        byte[] profile = ICC_Profile.getInstance(colorSpace).getData();
        ByteBuffer segment = ByteBuffer.allocate(2 + 2 + 14 + profile.length);
        segment.put((byte) 0xFF).put((byte) 0xE2).putShort((short) (2 + 14 + profile.length));
        segment.put("ICC_PROFILE\0".getBytes(StandardCharsets.US_ASCII))
                .put((byte) 1)
                .put((byte) 1);
        segment.put(profile);
        return splice(jpeg, segment.array());
    }

    /** A 64x48 CMYK JPEG marked Adobe (APP14), without a colour profile, as print tools write. */
    private static byte[] adobeCmyk() throws Exception {
        WritableRaster raster =
                Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 64, 48, 4, null);
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                raster.setPixel(x, y, new int[] {x * 4, y * 5, 128, 255 - x});
            }
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ImageOutputStream stream = ImageIO.createImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(raster, null, null), null);
        } finally {
            writer.dispose();
        }
        byte[] adobe = {
            (byte) 0xFF, (byte) 0xEE, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0
        };
        return splice(out.toByteArray(), adobe);
    }

    /** The bytes inserted right after the JPEG's SOI marker. */
    private static byte[] splice(byte[] jpeg, byte[] inserted) {
        byte[] out = new byte[jpeg.length + inserted.length];
        System.arraycopy(jpeg, 0, out, 0, 2);
        System.arraycopy(inserted, 0, out, 2, inserted.length);
        System.arraycopy(jpeg, 2, out, 2 + inserted.length, jpeg.length - 2);
        return out;
    }

    @Test
    void refusesFramesOverThePixelLimit() throws Exception {
        try (var harness = harness(DecodeOptions.defaults().withMaxPixels(1000))) {
            harness.processElement(frame("big", parrot()), 1);
            assertThat(harness.extractOutputValues()).isEmpty();
            assertThat(harness.getSideOutput(DeadLetters.TAG))
                    .extracting(record -> record.getValue().getReasonCode())
                    .containsExactly("TOO_LARGE");
        }
    }

    @Test
    void resizesToTheModelsInputWhenGivenOne() throws Exception {
        InputSpec spec = new InputSpec(32, Preprocessing.CENTER_CROP, -1f, 1f);
        try (var harness = harness(DecodeOptions.defaults().withInput(spec))) {
            harness.processElement(frame("good", parrot()), 1);
            DecodedFrame decoded = harness.extractOutputValues().get(0);
            assertThat(decoded.rgb).isNull();
            assertThat(decoded.inputSize()).isEqualTo(32 * 32 * 3);
            float[] values = new float[decoded.inputSize()];
            decoded.copyInput(values, 0);
            assertThat(decoded.width).isEqualTo(32);
            for (float value : values) {
                assertThat(value).isBetween(-1f, 1f);
            }
        }
    }

    @Test
    void refusesInlineImagesOverTheByteLimit() throws Exception {
        byte[] jpeg = parrot();
        try (var harness = harness(DecodeOptions.defaults().withMaxImageBytes(jpeg.length - 1))) {
            harness.processElement(frame("heavy", jpeg), 1);
            assertThat(harness.extractOutputValues()).isEmpty();
            assertThat(harness.getSideOutput(DeadLetters.TAG))
                    .extracting(record -> record.getValue().getMessage())
                    .singleElement()
                    .asString()
                    .contains("over the limit of " + (jpeg.length - 1));
        }
    }

    /**
     * The operators chained after decoding (the micro-batcher, a sink) run inside {@code
     * out.collect}: what they throw must fail the task, not become a dead letter for a good frame.
     */
    @Test
    void aFaultDownstreamOfDecodingFailsTheTaskAndIsNoDeadLetter() throws Exception {
        byte[] jpeg = parrot();
        FrameDecodeFunction function = new FrameDecodeFunction(DecodeOptions.defaults());
        List<DeadLetter> deadLetters = new java.util.ArrayList<>();
        try (var harness =
                new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(function))) {
            harness.open(); // for the function's runtime context
            ProcessFunction<ImageFrame, DecodedFrame>.Context context =
                    function.new Context() {
                        @Override
                        public Long timestamp() {
                            return null;
                        }

                        @Override
                        public TimerService timerService() {
                            throw new UnsupportedOperationException();
                        }

                        @Override
                        public <X> void output(OutputTag<X> tag, X value) {
                            deadLetters.add((DeadLetter) value);
                        }
                    };
            Collector<DecodedFrame> failingSink =
                    new Collector<>() {
                        @Override
                        public void collect(DecodedFrame record) {
                            throw new IllegalStateException("the sink refused the record");
                        }

                        @Override
                        public void close() {}
                    };
            assertThatThrownBy(
                            () ->
                                    function.processElement(
                                            frame("good", jpeg), context, failingSink))
                    .hasMessage("the sink refused the record");
            assertThat(deadLetters).isEmpty();
        }
    }

    @Test
    void fetchesClaimCheckedImagesOnlyUnderItsRootsAndWithinTheByteLimit(@TempDir Path dir)
            throws Exception {
        byte[] jpeg = parrot();
        Path root = Files.createDirectories(dir.resolve("frames"));
        Path good = Files.write(root.resolve("good.jpg"), jpeg);
        Files.write(root.resolve("big.jpg"), Arrays.copyOf(jpeg, jpeg.length + 100));
        Files.createDirectories(root.resolve("folder"));
        Files.write(dir.resolve("secret.jpg"), jpeg);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(jpeg));
        DecodeOptions options =
                DecodeOptions.defaults()
                        .withMaxImageBytes(jpeg.length + 10)
                        .withClaimCheckRoots(List.of(root.toUri().toString(), "nosuchfs://host/"));
        String base = root.toUri().toString();

        try (var harness = harness(options)) {
            int t = 0;
            harness.processElement(claimed("good", base + "good.jpg", null, null), t++);
            harness.processElement(
                    claimed("checked", good.toUri().toString(), (long) jpeg.length, sha), t++);
            harness.processElement(claimed("missing", base + "nothing.jpg", null, null), t++);
            harness.processElement(claimed("folder", base + "folder", null, null), t++);
            harness.processElement(claimed("big", base + "big.jpg", null, null), t++);
            harness.processElement(claimed("declared-big", base + "good.jpg", 1L << 40, null), t++);
            harness.processElement(
                    claimed("wrong-size", base + "good.jpg", (long) jpeg.length - 1, null), t++);
            harness.processElement(
                    claimed("wrong-digest", base + "good.jpg", null, "00" + sha.substring(2)), t++);
            harness.processElement(claimed("escape", base + "../secret.jpg", null, null), t++);
            harness.processElement(
                    claimed("outside", dir.resolve("secret.jpg").toUri().toString(), null, null),
                    t++);
            harness.processElement(claimed("relative", "frames/good.jpg", null, null), t++);
            harness.processElement(claimed("no-fs", "nosuchfs://host/a.jpg", null, null), t++);

            assertThat(harness.extractOutputValues())
                    .extracting(decoded -> decoded.frameId)
                    .containsExactly("good", "checked");
            assertThat(idsAndReasons(harness))
                    .containsExactly(
                            "missing:CLAIM_CHECK_MISSING",
                            "folder:CLAIM_CHECK_MISSING",
                            "big:CLAIM_CHECK_TOO_LARGE",
                            "declared-big:CLAIM_CHECK_TOO_LARGE",
                            "wrong-size:CLAIM_CHECK_MISMATCH",
                            "wrong-digest:CLAIM_CHECK_MISMATCH",
                            "escape:CLAIM_CHECK_NOT_ALLOWED",
                            "outside:CLAIM_CHECK_NOT_ALLOWED",
                            "relative:CLAIM_CHECK_NOT_ALLOWED",
                            "no-fs:CLAIM_CHECK_UNREADABLE");
            assertThat(harness.getSideOutput(DeadLetters.TAG))
                    .allMatch(record -> record.getValue().getStage() == Stage.FETCH)
                    .allMatch(record -> record.getValue().getOriginal() == null)
                    .allMatch(record -> record.getValue().getOriginalUri() != null);
        }
    }

    @Test
    void fetchesEntriesOfLocalZipArchivesUnderItsRoots(@TempDir Path dir) throws Exception {
        byte[] jpeg = parrot();
        Path root = Files.createDirectories(dir.resolve("archives!"));
        Path zip = root.resolve("photos 1.zip");
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip)) {
            put(out, "2019/a b#1%.jpg", jpeg, ZipEntry.DEFLATED);
            put(out, "stored.jpg", jpeg, ZipEntry.STORED);
            put(out, "corrupt.jpg", jpeg, ZipEntry.DEFLATED);
            put(out, "big.jpg", Arrays.copyOf(jpeg, jpeg.length + 100), ZipEntry.STORED);
            put(out, "twice.jpg", jpeg, ZipEntry.STORED);
            put(out, "twice.jpg", jpeg, ZipEntry.STORED);
        }
        long corrupt;
        try (ZipFile file = ZipFile.builder().setPath(zip).get()) {
            corrupt = file.getEntry("corrupt.jpg").getDataOffset();
        }
        try (RandomAccessFile file = new RandomAccessFile(zip.toFile(), "rw")) {
            file.seek(corrupt); // deflate block type 3: invalid
            file.write(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        }
        Files.write(root.resolve("not-a.zip"), jpeg);
        Path outside = Files.copy(zip, dir.resolve("outside.zip"));
        DecodeOptions options =
                DecodeOptions.defaults()
                        .withMaxImageBytes(jpeg.length + 10)
                        .withClaimCheckRoots(List.of(root.toUri().toString()));
        String archive = zip.toUri().toString();

        try (var harness = harness(options)) {
            int t = 0;
            for (String name : List.of("2019/a b#1%.jpg", "stored.jpg")) {
                String uri = ArchiveEntryFetch.zipUri(archive, name);
                harness.processElement(claimed(name, uri, (long) jpeg.length, null), t++);
            }
            String[][] refused = {
                {"corrupt", ArchiveEntryFetch.zipUri(archive, "corrupt.jpg")},
                {"big", ArchiveEntryFetch.zipUri(archive, "big.jpg")},
                {"twice", ArchiveEntryFetch.zipUri(archive, "twice.jpg")},
                {"no-entry", ArchiveEntryFetch.zipUri(archive, "nothing.jpg")},
                {"no-archive", ArchiveEntryFetch.zipUri(root.toUri() + "gone.zip", "a.jpg")},
                {"not-zip", ArchiveEntryFetch.zipUri(root.toUri() + "not-a.zip", "a.jpg")},
                {"outside", ArchiveEntryFetch.zipUri(outside.toUri().toString(), "stored.jpg")},
                {"escape", ArchiveEntryFetch.zipUri(root.toUri() + "../outside.zip", "stored.jpg")},
                {"no-separator", "jar:" + archive},
            };
            for (String[] claim : refused) {
                harness.processElement(claimed(claim[0], claim[1], null, null), t++);
            }

            assertThat(harness.extractOutputValues())
                    .extracting(decoded -> decoded.frameId)
                    .containsExactly("2019/a b#1%.jpg", "stored.jpg");
            assertThat(idsAndReasons(harness))
                    .containsExactly(
                            "corrupt:ENTRY_UNREADABLE",
                            "big:CLAIM_CHECK_TOO_LARGE",
                            "twice:CLAIM_CHECK_MISSING",
                            "no-entry:CLAIM_CHECK_MISSING",
                            "no-archive:CLAIM_CHECK_MISSING",
                            "not-zip:CLAIM_CHECK_UNREADABLE",
                            "outside:CLAIM_CHECK_NOT_ALLOWED",
                            "escape:CLAIM_CHECK_NOT_ALLOWED",
                            "no-separator:CLAIM_CHECK_NOT_ALLOWED");
        }
    }

    @Test
    void fetchesEntriesOfLocalPlainTarsUnderItsRoots(@TempDir Path dir) throws Exception {
        byte[] jpeg = parrot();
        Path root = Files.createDirectories(dir.resolve("shards"));
        Path tar = root.resolve("shard 0001.tar");
        String longName = "deep/" + "x".repeat(120) + "/long name.jpg"; // a PAX or GNU header
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(tar))) {
            out.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            put(out, "a#1%.jpg", jpeg);
            put(out, longName, jpeg);
            put(out, "big.jpg", Arrays.copyOf(jpeg, jpeg.length + 100));
            put(out, "twice.jpg", jpeg);
            put(out, "twice.jpg", jpeg);
            TarArchiveEntry folder = new TarArchiveEntry("folder/");
            out.putArchiveEntry(folder);
            out.closeArchiveEntry();
        }
        // Cut in the middle of an entry's data (changed since it was planned): it will not open.
        Path cut = root.resolve("cut.tar");
        Files.write(cut, Arrays.copyOf(Files.readAllBytes(tar), 512 + jpeg.length / 2));
        Files.write(root.resolve("not-a.tar"), Arrays.copyOf(jpeg, 4096));
        Path outside = Files.copy(tar, dir.resolve("outside.tar"));
        DecodeOptions options =
                DecodeOptions.defaults()
                        .withMaxImageBytes(jpeg.length + 10)
                        .withClaimCheckRoots(List.of(root.toUri().toString()));
        String archive = tar.toUri().toString();

        try (var harness = harness(options)) {
            int t = 0;
            for (String name : List.of("a#1%.jpg", longName)) {
                String uri = ArchiveEntryFetch.tarUri(archive, name);
                harness.processElement(claimed(name, uri, (long) jpeg.length, null), t++);
            }
            String[][] refused = {
                {"big", ArchiveEntryFetch.tarUri(archive, "big.jpg")},
                {"twice", ArchiveEntryFetch.tarUri(archive, "twice.jpg")},
                {"folder", ArchiveEntryFetch.tarUri(archive, "folder/")},
                {"no-entry", ArchiveEntryFetch.tarUri(archive, "nothing.jpg")},
                {"cut", ArchiveEntryFetch.tarUri(cut.toUri().toString(), "a#1%.jpg")},
                {"no-archive", ArchiveEntryFetch.tarUri(root.toUri() + "gone.tar", "a.jpg")},
                {"not-tar", ArchiveEntryFetch.tarUri(root.toUri() + "not-a.tar", "a.jpg")},
                {"outside", ArchiveEntryFetch.tarUri(outside.toUri().toString(), "a#1%.jpg")},
                {"as-zip", ArchiveEntryFetch.zipUri(archive, "a#1%.jpg")},
            };
            for (String[] claim : refused) {
                harness.processElement(claimed(claim[0], claim[1], null, null), t++);
            }

            assertThat(harness.extractOutputValues())
                    .extracting(decoded -> decoded.frameId)
                    .containsExactly("a#1%.jpg", longName);
            assertThat(idsAndReasons(harness))
                    .containsExactly(
                            "big:CLAIM_CHECK_TOO_LARGE",
                            "twice:CLAIM_CHECK_MISSING",
                            "folder:CLAIM_CHECK_UNREADABLE",
                            "no-entry:CLAIM_CHECK_MISSING",
                            "cut:CLAIM_CHECK_UNREADABLE",
                            "no-archive:CLAIM_CHECK_MISSING",
                            "not-tar:CLAIM_CHECK_UNREADABLE",
                            "outside:CLAIM_CHECK_NOT_ALLOWED",
                            "as-zip:CLAIM_CHECK_UNREADABLE");
        }
    }

    private static void put(TarArchiveOutputStream out, String name, byte[] bytes)
            throws Exception {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(bytes.length);
        out.putArchiveEntry(entry);
        out.write(bytes);
        out.closeArchiveEntry();
    }

    /** "frame id:reason code" of each dead letter, in order. */
    private static List<String> idsAndReasons(
            OneInputStreamOperatorTestHarness<ImageFrame, DecodedFrame> harness) {
        return harness.getSideOutput(DeadLetters.TAG).stream()
                .map(
                        record ->
                                record.getValue().getFrame().getFrameId()
                                        + ":"
                                        + record.getValue().getReasonCode())
                .toList();
    }

    private static void put(ZipArchiveOutputStream out, String name, byte[] bytes, int method)
            throws Exception {
        ZipArchiveEntry entry = new ZipArchiveEntry(name);
        entry.setMethod(method);
        if (method == ZipEntry.STORED) {
            CRC32 crc = new CRC32();
            crc.update(bytes);
            entry.setSize(bytes.length);
            entry.setCrc(crc.getValue());
        }
        out.putArchiveEntry(entry);
        out.write(bytes);
        out.closeArchiveEntry();
    }

    private static ImageFrame claimed(String id, String uri, Long size, String sha256) {
        ImageFrame frame = frame(id, null);
        frame.setClaimCheck(new ClaimCheck(uri, size, sha256));
        return frame;
    }
}
