package io.ocellus.operators.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocellus.operators.DeadLetters;
import io.ocellus.schemas.ClaimCheck;
import io.ocellus.schemas.DeadLetter;
import io.ocellus.schemas.ImageFrame;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Claim checks are a security boundary: whoever writes to the input topic names the locations. A
 * location is fetched only from inside a root (by its text, and by its real path for local files);
 * everything else is one dead letter that says nothing about files outside the roots, and the task
 * never fails.
 */
class ClaimCheckBoundaryTest {
    @TempDir Path dir;

    private Path root;
    private byte[] inside;
    private byte[] secret;

    @BeforeEach
    void files() throws Exception {
        inside = jpeg(16, 16);
        secret = jpeg(32, 24);
        root = Files.createDirectories(dir.resolve("root"));
        Files.write(root.resolve("a.jpg"), inside);
        Files.write(Files.createDirectories(root.resolve("sub")).resolve("b.jpg"), inside);
        Files.write(dir.resolve("secret.jpg"), secret);
        // A sibling whose name starts with the root's: a string prefix test lets it through.
        Files.write(Files.createDirectories(dir.resolve("rootx")).resolve("secret.jpg"), secret);
        Files.createSymbolicLink(root.resolve("link-in.jpg"), root.resolve("a.jpg"));
        Files.createSymbolicLink(root.resolve("link-out.jpg"), dir.resolve("secret.jpg"));
        Files.createSymbolicLink(root.resolve("dir-out"), dir);
        Files.createSymbolicLink(root.resolve("dangling.jpg"), dir.resolve("nothing.jpg"));
        try (var zip = new ZipArchiveOutputStream(root.resolve("in.zip"))) {
            zip.putArchiveEntry(new ZipArchiveEntry("a.jpg"));
            zip.write(inside);
            zip.closeArchiveEntry();
        }
        try (var tar = new TarArchiveOutputStream(Files.newOutputStream(root.resolve("in.tar")))) {
            TarArchiveEntry entry = new TarArchiveEntry("a.jpg");
            entry.setSize(inside.length);
            tar.putArchiveEntry(entry);
            tar.write(inside);
            tar.closeArchiveEntry();
        }
        Files.copy(root.resolve("in.zip"), dir.resolve("out.zip"));
        Files.createSymbolicLink(root.resolve("link-out.zip"), dir.resolve("out.zip"));
        Process mkfifo = new ProcessBuilder("mkfifo", root.resolve("fifo.jpg").toString()).start();
        assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void rootsAreAbsoluteUrisOrAbsolutePathsCheckedWhenTheJobIsBuilt() {
        assertThat(ClaimCheckRoots.root("/data/frames").toString())
                .isEqualTo("file:///data/frames/");
        assertThat(ClaimCheckRoots.root("file:///data/frames").toString())
                .isEqualTo("file:///data/frames/");
        assertThat(ClaimCheckRoots.root("s3://bucket/frames/").toString())
                .isEqualTo("s3://bucket/frames/");
        for (String bad :
                List.of(
                        "data/frames",
                        "frames/",
                        "file:data/frames",
                        "mailto:x@y",
                        "file:///data/../etc/",
                        "/data/../etc",
                        "file:///data//frames/",
                        "file:///data/frames/?x=1",
                        "file:///data/frames/#x",
                        "file:///data frames/")) {
            assertThatThrownBy(() -> ClaimCheckRoots.root(bad))
                    .as(bad)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("claim-check root '" + bad + "'");
        }
        assertThatThrownBy(() -> DecodeOptions.defaults().withClaimCheckRoots(List.of("frames/")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("absolute path");
    }

    @Test
    void encodedDotSegmentsSeparatorsAndLinksOutOfTheRootsAreRefused() throws Exception {
        String base = root.toUri().toString();
        try (var harness = harness()) {
            String[][] cases = {
                {"plain", base + "a.jpg", "ok"},
                {"deeper", base + "sub/b.jpg", "ok"},
                {"link-in", base + "link-in.jpg", "ok"},
                {"zip", "jar:" + base + "in.zip!/a.jpg", "ok"},
                {"tar", "tar:" + base + "in.tar!/a.jpg", "ok"},
                {"dots", base + "../secret.jpg", "CLAIM_CHECK_NOT_ALLOWED"},
                {"encoded", base + "%2e%2e/secret.jpg", "CLAIM_CHECK_NOT_ALLOWED"},
                {"encoded-upper", base + "%2E%2E/secret.jpg", "CLAIM_CHECK_NOT_ALLOWED"},
                {"mixed", base + "sub/.%2e/../secret.jpg", "CLAIM_CHECK_NOT_ALLOWED"},
                {"encoded-slash", base + "%2e%2e%2fsecret.jpg", "CLAIM_CHECK_NOT_ALLOWED"},
                {"dot", base + "./a.jpg", "CLAIM_CHECK_NOT_ALLOWED"},
                {"empty-segment", base + "sub//b.jpg", "CLAIM_CHECK_NOT_ALLOWED"},
                {"query", base + "a.jpg?x=1", "CLAIM_CHECK_NOT_ALLOWED"},
                {"nul", base + "a.jpg%00.png", "CLAIM_CHECK_NOT_ALLOWED"},
                {
                    "sibling",
                    dir.resolve("rootx/secret.jpg").toUri().toString(),
                    "CLAIM_CHECK_NOT_ALLOWED"
                },
                {"link-out", base + "link-out.jpg", "CLAIM_CHECK_NOT_ALLOWED"},
                {"dir-out", base + "dir-out/secret.jpg", "CLAIM_CHECK_NOT_ALLOWED"},
                {"zip-link-out", "jar:" + base + "link-out.zip!/a.jpg", "CLAIM_CHECK_NOT_ALLOWED"},
                {"zip-dots", "jar:" + base + "%2e%2e/out.zip!/a.jpg", "CLAIM_CHECK_NOT_ALLOWED"},
                {"entry-empty", "tar:" + base + "in.tar!//x", "CLAIM_CHECK_MISSING"},
                {"entry-dots", "tar:" + base + "in.tar!/../a.jpg", "CLAIM_CHECK_MISSING"},
                {"dangling", base + "dangling.jpg", "CLAIM_CHECK_MISSING"},
                {"fifo", base + "fifo.jpg", "CLAIM_CHECK_UNREADABLE"},
                {
                    "host",
                    "file://otherhost" + root.toUri().getPath() + "a.jpg",
                    "CLAIM_CHECK_NOT_ALLOWED"
                },
            };
            for (String[] c : cases) {
                harness.processElement(claimed(c[0], c[1]), 0);
            }
            Map<String, String> outcomes = outcomes(harness);
            for (String[] c : cases) {
                assertThat(outcomes.get(c[0])).as(c[0] + " " + c[1]).isEqualTo(c[2]);
            }
            assertNothingAboutTheSecret(harness);
        }
    }

    /** Several thousand generated claim checks: each fetched from inside a root or refused. */
    @Test
    void generatedClaimChecksAreFetchedFromInsideARootOrAreDeadLetters() throws Exception {
        List<String> uris = generated(new Random(20261208), 4000);
        try (var harness = harness()) {
            for (int i = 0; i < uris.size(); i++) {
                harness.processElement(claimed("f" + i, uris.get(i)), i);
            }
            List<DecodedFrame> decoded = harness.extractOutputValues();
            List<DeadLetter> dead = deadLetters(harness);
            assertThat(decoded.size() + dead.size()).isEqualTo(uris.size());
            Set<String> ids = new HashSet<>();
            decoded.forEach(frame -> ids.add(frame.frameId));
            dead.forEach(letter -> ids.add(letter.getFrame().getFrameId().toString()));
            assertThat(ids).hasSize(uris.size());
            assertThat(decoded)
                    .as("only the 16x16 images inside the root are ever decoded")
                    .allMatch(frame -> frame.width == 16 && frame.height == 16);
            assertThat(decoded).hasSizeGreaterThan(25);
            assertThat(dead).hasSizeGreaterThan(1000);
            assertNothingAboutTheSecret(harness);
        }
    }

    private List<String> generated(Random random, int count) {
        String base = root.toUri().toString();
        String[] parts = {
            "a.jpg",
            "sub",
            "b.jpg",
            "..",
            ".",
            "%2e%2e",
            "%2E%2E",
            "%2e",
            ".%2e",
            "%2f",
            "%2F",
            "%5c",
            "%00",
            "",
            "link-in.jpg",
            "link-out.jpg",
            "dir-out",
            "secret.jpg",
            "fifo.jpg",
            "ü",
            "%C3%BC",
            "%",
            "%zz",
            "x".repeat(300),
            "a b",
            "a%20b",
            "!",
            "!/",
            "?q",
            "#f",
            ";",
            "in.zip!/a.jpg",
            "in.tar!/a.jpg",
            "link-out.zip!/a.jpg",
            "../rootx",
            "..%2frootx",
            "%252e%252e",
            "\u0000",
            "\\..\\",
            "~",
            "*",
            "dangling.jpg",
        };
        String[] prefixes = {
            base,
            base,
            base,
            "jar:" + base,
            "tar:" + base,
            "file://" + root,
            "file:" + root,
            "FILE://" + root + "/",
            "file://localhost" + root + "/",
            "s3://bucket/",
            "",
            "/",
            dir.toUri().toString(),
            "jar:",
            "tar:file:",
            "http://127.0.0.1/",
        };
        List<String> uris = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            StringBuilder uri = new StringBuilder(prefixes[random.nextInt(prefixes.length)]);
            int n = 1 + random.nextInt(random.nextBoolean() ? 1 : 4);
            for (int k = 0; k < n; k++) {
                if (k > 0) {
                    uri.append(random.nextInt(8) == 0 ? "//" : "/");
                }
                uri.append(parts[random.nextInt(parts.length)]);
            }
            if (random.nextInt(50) == 0) {
                uri.append("x".repeat(10_000));
            }
            uris.add(uri.toString());
        }
        return uris;
    }

    /** No dead letter names the size or digest of a file outside the roots, or its pixels. */
    private void assertNothingAboutTheSecret(
            OneInputStreamOperatorTestHarness<ImageFrame, DecodedFrame> harness) throws Exception {
        String size = String.valueOf(secret.length);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret));
        for (DeadLetter letter : deadLetters(harness)) {
            String message = letter.getMessage().toString();
            assertThat(message).doesNotContain(sha).doesNotContain(" " + size + " ");
            assertThat(letter.getOriginal()).isNull();
        }
    }

    private OneInputStreamOperatorTestHarness<ImageFrame, DecodedFrame> harness() throws Exception {
        DecodeOptions options =
                DecodeOptions.defaults()
                        .withClaimCheckRoots(List.of(root.toString()))
                        .withMaxFetchMillis(2000);
        var harness =
                new OneInputStreamOperatorTestHarness<>(
                        new ProcessOperator<>(new FrameDecodeFunction(options)));
        harness.open();
        return harness;
    }

    private static Map<String, String> outcomes(
            OneInputStreamOperatorTestHarness<ImageFrame, DecodedFrame> harness) {
        Map<String, String> outcomes = new java.util.HashMap<>();
        harness.extractOutputValues().forEach(frame -> outcomes.put(frame.frameId, "ok"));
        for (DeadLetter letter : deadLetters(harness)) {
            outcomes.put(
                    letter.getFrame().getFrameId().toString(), letter.getReasonCode().toString());
        }
        return outcomes;
    }

    private static List<DeadLetter> deadLetters(
            OneInputStreamOperatorTestHarness<ImageFrame, DecodedFrame> harness) {
        var side = harness.getSideOutput(DeadLetters.TAG);
        return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }

    private static ImageFrame claimed(String id, String uri) {
        return ImageFrame.newBuilder()
                .setSourceId("cam")
                .setFrameId(id)
                .setEventTime(Instant.ofEpochMilli(5))
                .setImage((ByteBuffer) null)
                .setClaimCheck(new ClaimCheck(uri, null, null))
                .setAttributes(Map.of())
                .build();
    }

    private static byte[] jpeg(int width, int height) throws Exception {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, (x * 16) << 16 | (y * 16) << 8 | 128);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "jpg", out);
        return out.toByteArray();
    }

    @Test
    void theRootsClassFindsByTextAndResolvesLinks() throws Exception {
        ClaimCheckRoots roots = new ClaimCheckRoots(List.of(root.toUri().toString()));
        URI link = roots.find(root.toUri() + "link-out.jpg");
        assertThat(link).as("by its text the link lies under the root").isNotNull();
        assertThat(roots.realPath(link)).as("by its real path it does not").isNull();
        assertThat(roots.realPath(roots.find(root.toUri() + "link-in.jpg")))
                .isEqualTo(root.toRealPath().resolve("a.jpg"));
        assertThat(roots.allows(root.toUri() + "%2e%2e/secret.jpg")).isFalse();
        assertThat(roots.allows(dir.resolve("rootx").toUri() + "secret.jpg")).isFalse();
    }
}
