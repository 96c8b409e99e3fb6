package io.ocellus.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ocellus.models.inference.SharedPredictorFactory;
import io.ocellus.models.io.ModelLocator;
import io.ocellus.pipeline.archive.ArchiveEntries;
import io.ocellus.pipeline.archive.ResultsDir;
import io.ocellus.pipeline.kafka.KafkaCodec;
import io.ocellus.pipeline.testutils.LogCapture;
import io.ocellus.pipeline.testutils.Results;
import io.ocellus.pipeline.testutils.Samples;
import io.ocellus.pipeline.testutils.TestPki;
import io.ocellus.pipeline.tools.EmbeddedKafkaBroker;
import io.ocellus.pipeline.tools.FrameClients;
import io.ocellus.schemas.Classification;
import io.ocellus.schemas.DeadLetter;
import io.ocellus.schemas.Embedding;
import io.ocellus.schemas.ImageFrame;
import io.ocellus.schemas.ScoredLabel;
import io.ocellus.schemas.serde.WireFormat;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ocellus reprocess} end to end on a real Flink local cluster and real weights: zip, tar.gz,
 * truncated tar.gz, a folder tree and an Avro frame file, made here from ../shared/images plus
 * malformed entries; every entry exactly one outcome; the same answers as {@code ocellus classify};
 * resume after a simulated crash.
 */
class ReprocessCommandITCase {
    private static final String[] MODEL = {"--alpha", "0.25", "--resolution", "128"};
    private static final long MAX_BYTES = 2 << 20;

    @TempDir static Path tmp;

    private static Path inputs;

    /** The outcome expected per entry locator: "result" or the dead letter's reason. */
    private static final Map<String, String> EXPECTED = new LinkedHashMap<>();

    /** The sample file each image entry was made from, by locator. */
    private static final Map<String, Path> ORIGINALS = new LinkedHashMap<>();

    private static String cutArchive;

    @BeforeAll
    static void archives() throws IOException {
        Path models = ModelLocator.defaultDirectory();
        assumeTrue(models != null && Files.isDirectory(models), "weights not found: skipped");
        Path images = Samples.images();
        inputs = Files.createDirectories(tmp.resolve("archive"));

        Path zip = inputs.resolve("photos.zip");
        try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (String name : List.of("parrot.jpg", "cat_720p.jpg", "grace_hopper.bmp")) {
                put(out, "2019/" + name, Files.readAllBytes(images.resolve(name)));
                expect(zip, "2019/" + name, "result", images.resolve(name));
            }
            out.putNextEntry(new ZipEntry("2019/empty-folder/"));
            out.closeEntry();
            put(out, "notes.txt", "shopping list: milk".getBytes(StandardCharsets.UTF_8));
            expect(zip, "notes.txt", "UNSUPPORTED_FORMAT", null);
            put(out, "truncated.jpg", head(images.resolve("parrot.jpg"), 3000));
            expect(zip, "truncated.jpg", "UNDECODABLE", null);
            put(out, "empty.jpg", new byte[0]);
            expect(zip, "empty.jpg", "EMPTY", null);
            put(out, "corrupt.jpg", Files.readAllBytes(images.resolve("face.jpg")));
            expect(zip, "corrupt.jpg", "ENTRY_UNREADABLE", null);
        }
        corruptDeflateData(zip, "corrupt.jpg");

        Path tgz = inputs.resolve("more.tar.gz");
        try (TarArchiveOutputStream out =
                new TarArchiveOutputStream(
                        new GzipCompressorOutputStream(Files.newOutputStream(tgz)))) {
            for (String name : List.of("face.jpg", "bird.bmp")) {
                put(out, "scans/" + name, Files.readAllBytes(images.resolve(name)));
                expect(tgz, "scans/" + name, "result", images.resolve(name));
            }
            put(out, "README.md", "# scans".getBytes(StandardCharsets.UTF_8));
            expect(tgz, "README.md", "UNSUPPORTED_FORMAT", null);
            put(out, "huge.bmp", new byte[(int) MAX_BYTES + 1]);
            expect(tgz, "huge.bmp", "TOO_LARGE", null);
        }

        // A plain tar, as a WebDataset shard: its entries reach the decoder as claim checks.
        Path shard = inputs.resolve("shard-0001.tar");
        try (TarArchiveOutputStream out =
                new TarArchiveOutputStream(Files.newOutputStream(shard))) {
            put(out, "0001/cat.jpg", Files.readAllBytes(images.resolve("cat_720p.jpg")));
            expect(shard, "0001/cat.jpg", "result", images.resolve("cat_720p.jpg"));
            put(out, "0001/cat.txt", "a cat".getBytes(StandardCharsets.UTF_8));
            expect(shard, "0001/cat.txt", "UNSUPPORTED_FORMAT", null);
            put(out, "0002/huge.bmp", new byte[(int) MAX_BYTES + 1]);
            expect(shard, "0002/huge.bmp", "TOO_LARGE", null);
        }

        Path cut = inputs.resolve("cut.tar.gz");
        try (TarArchiveOutputStream out =
                new TarArchiveOutputStream(
                        new GzipCompressorOutputStream(Files.newOutputStream(cut)))) {
            for (String name : List.of("resized_cat.bmp", "cat.bmp", "squat.bmp")) {
                put(out, name, Files.readAllBytes(images.resolve(name)));
            }
        }
        byte[] whole = Files.readAllBytes(cut);
        Files.write(cut, Arrays.copyOf(whole, whole.length / 2));
        cutArchive = uri(cut);

        Path loose = Files.createDirectories(inputs.resolve("loose/deeper"));
        Files.copy(images.resolve("pets.jpg"), inputs.resolve("loose/pets.jpg"));
        expect(inputs.resolve("loose"), "pets.jpg", "result", images.resolve("pets.jpg"));
        Files.copy(images.resolve("squat.bmp"), loose.resolve("squat.bmp"));
        expect(loose, "squat.bmp", "result", images.resolve("squat.bmp"));
        Files.write(inputs.resolve("loose/.DS_Store"), new byte[] {0, 0, 0, 1});
        // Plain files in a local folder reach the decoder as claim checks: names that URIs escape,
        // what is not an image, and a file over the limit (refused by the source, unread).
        String odd = "cat 50% #2 é.jpg";
        Files.copy(images.resolve("cat_720p.jpg"), loose.resolve(odd));
        expect(loose, odd, "result", images.resolve("cat_720p.jpg"));
        Files.writeString(loose.resolve("todo.txt"), "not a picture");
        expect(loose, "todo.txt", "UNSUPPORTED_FORMAT", null);
        Files.write(loose.resolve("huge.jpg"), new byte[(int) MAX_BYTES + 1]);
        expect(loose, "huge.jpg", "TOO_LARGE", null);

        Path avro = inputs.resolve("frames.avro");
        try (DataFileWriter<ImageFrame> out =
                new DataFileWriter<>(new SpecificDatumWriter<>(ImageFrame.class))) {
            out.create(ImageFrame.getClassSchema(), avro.toFile());
            out.append(
                    frame("cam-7", "f1", Files.readAllBytes(images.resolve("checker224X224.bmp"))));
            out.append(frame("cam-7", "f2", "garbage".getBytes(StandardCharsets.UTF_8)));
            // Claim checks in a frame file: one to a file under the inputs (fetched), and hostile
            // ones (issue 34): each one dead letter, and the run goes on.
            Files.copy(images.resolve("parrot.jpg"), tmp.resolve("secret.jpg"));
            String base = inputs.toUri().toString();
            out.append(claimed("cam-7", "c-good", base + "loose/pets.jpg"));
            out.append(claimed("cam-7", "c-encoded-dots", base + "%2e%2e/secret.jpg"));
            out.append(claimed("cam-7", "c-empty-entry", "tar:" + base + "shard.tar!//x"));
            out.append(claimed("cam-7", "c-bare-jar", "jar:"));
        }
        String avroUri = uri(avro);
        EXPECTED.put(ArchiveEntries.locator(avroUri + "!cam-7", "c-good"), "result");
        ORIGINALS.put(
                ArchiveEntries.locator(avroUri + "!cam-7", "c-good"), images.resolve("pets.jpg"));
        EXPECTED.put(
                ArchiveEntries.locator(avroUri + "!cam-7", "c-encoded-dots"),
                "CLAIM_CHECK_NOT_ALLOWED");
        EXPECTED.put(
                ArchiveEntries.locator(avroUri + "!cam-7", "c-empty-entry"), "CLAIM_CHECK_MISSING");
        EXPECTED.put(
                ArchiveEntries.locator(avroUri + "!cam-7", "c-bare-jar"),
                "CLAIM_CHECK_NOT_ALLOWED");
        EXPECTED.put(ArchiveEntries.locator(avroUri + "!cam-7", "f1"), "result");
        ORIGINALS.put(
                ArchiveEntries.locator(avroUri + "!cam-7", "f1"),
                images.resolve("checker224X224.bmp"));
        EXPECTED.put(ArchiveEntries.locator(avroUri + "!cam-7", "f2"), "UNSUPPORTED_FORMAT");
    }

    @Test
    void everyEntryHasOneOutcomeAndTheAnswersOfClassify() throws Exception {
        Path out = tmp.resolve("results-avro");
        CliRun run = reprocess("--input", inputs.toString(), "--output", out.toString());
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(SharedPredictorFactory.openCount())
                .as("the engine opened ahead of the tasks is closed with the run")
                .isZero();
        Map<String, String> outcomes = outcomes(out);

        // Every entry once; those of the cut archive until the break, then one dead letter for it.
        Map<String, String> cut = new HashMap<>(outcomes);
        cut.keySet().removeIf(key -> !key.startsWith(cutArchive));
        outcomes.keySet().removeIf(key -> key.startsWith(cutArchive));
        assertThat(outcomes).isEqualTo(EXPECTED);
        assertThat(cut.values()).contains("ARCHIVE_UNREADABLE");
        assertThat(cut.values()).containsAnyOf("ENTRY_UNREADABLE", "ARCHIVE_UNREADABLE");
        assertThat(cut.get(ArchiveEntries.locator(cutArchive, "resized_cat.bmp")))
                .isEqualTo("result");

        io.ocellus.pipeline.archive.ReprocessRun.Summary summary = run.summary();
        assertThat(summary.accounted()).isTrue();
        assertThat(summary.plan().entries()).isEqualTo(EXPECTED.size() + cut.size());
        assertThat(summary.results() + summary.deadLetterCount())
                .isEqualTo(summary.plan().entries());
        assertThat(run.out()).contains("images/s").contains("TOO_LARGE 3");

        // The same answers as `ocellus classify` on the files the entries were made from.
        List<String> files = new ArrayList<>(MODEL.length + ORIGINALS.size() + 2);
        files.addAll(List.of("classify", "--top", "5"));
        files.addAll(List.of(MODEL));
        ORIGINALS.values().forEach(file -> files.add(file.toString()));
        CliRun classify = CliRun.of(files.toArray(String[]::new));
        assertThat(classify.code()).as(classify.err()).isZero();
        Map<String, JsonNode> byFile = new HashMap<>();
        ObjectMapper json = new ObjectMapper();
        for (String line : classify.out().lines().filter(l -> l.startsWith("{")).toList()) {
            JsonNode node = json.readTree(line);
            byFile.put(node.get("file").asText(), node);
        }
        Map<String, Classification> classifications = new HashMap<>();
        new ResultsDir(out.toUri().toString())
                .forEach(
                        ResultsDir.CLASSIFICATIONS,
                        Classification.class,
                        c -> classifications.put(locator(c.getFrame()), c));
        for (Map.Entry<String, Path> original : ORIGINALS.entrySet()) {
            JsonNode expected = byFile.get(original.getValue().toString());
            Classification actual = classifications.get(original.getKey());
            assertThat(actual).as(original.getKey()).isNotNull();
            assertThat(actual.getModelId()).isEqualTo(expected.get("model").asText());
            List<ScoredLabel> top = actual.getTop();
            assertThat(top).hasSize(5);
            for (int i = 0; i < 5; i++) {
                JsonNode label = expected.get("top").get(i);
                assertThat(top.get(i).getIndex())
                        .as(original.getKey() + " label " + i)
                        .isEqualTo(label.get("index").asInt());
                assertThat((double) top.get(i).getScore())
                        .isCloseTo(
                                label.get("score").asDouble(),
                                org.assertj.core.data.Offset.offset(1e-4));
            }
        }
        // A sanity check on the answers themselves.
        Classification parrot =
                classifications.get(
                        ArchiveEntries.locator(
                                uri(inputs.resolve("photos.zip")), "2019/parrot.jpg"));
        assertThat(parrot.getTop().get(0).getLabel().toString()).isEqualTo("macaw");
    }

    @Test
    void aResumedRunSkipsWhatIsDoneAndTheTotalsAddUp() throws Exception {
        Path out = tmp.resolve("results-jsonl");
        String[] args = {
            "--input",
            inputs.toString(),
            "--output",
            out.toString(),
            "--format",
            "jsonl",
            "--tasks",
            "classify,embed"
        };
        CliRun first = reprocess(args);
        assertThat(first.code()).as(first.err()).isZero();
        long entries = first.summary().plan().entries();

        // A crash: the newest classification chunk lost (its embeddings chunk survives, a
        // half-renamed chunk), and a hidden file half written.
        Path classifications = out.resolve(ResultsDir.CLASSIFICATIONS);
        Path lost;
        try (Stream<Path> parts = Files.list(classifications)) {
            lost = parts.sorted().reduce((a, b) -> b).orElseThrow();
        }
        long lostRows;
        try (Stream<String> lines = Files.lines(lost)) {
            lostRows = lines.count();
        }
        assertThat(lostRows).isPositive();
        Files.delete(lost);
        Files.writeString(classifications.resolve(".part-crashed.jsonl.inprogress"), "{\"fr");

        CliRun second = reprocess(args);
        assertThat(second.code()).as(second.err()).isZero();
        io.ocellus.pipeline.archive.ReprocessRun.Summary summary = second.summary();
        assertThat(summary.plan().entries()).isEqualTo(entries);
        assertThat(summary.results()).isEqualTo(lostRows);
        assertThat(summary.deadLetterCount()).isZero();
        assertThat(summary.plan().skipped()).isEqualTo(entries - lostRows);
        assertThat(summary.plan().skipped() + summary.results() + summary.deadLetterCount())
                .isEqualTo(entries);

        // Each entry once in the folder: in both tasks' files, or among the dead letters.
        ResultsDir dir = new ResultsDir(out.toUri().toString());
        List<String> classified = new ArrayList<>();
        List<String> embedded = new ArrayList<>();
        List<String> dead = new ArrayList<>();
        dir.forEach(
                ResultsDir.CLASSIFICATIONS,
                Classification.class,
                c -> classified.add(locator(c.getFrame())));
        dir.forEach(
                ResultsDir.EMBEDDINGS, Embedding.class, e -> embedded.add(locator(e.getFrame())));
        dir.forEach(
                ResultsDir.DEAD_LETTERS, DeadLetter.class, d -> dead.add(locator(d.getFrame())));
        assertThat(classified)
                .doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(embedded);
        assertThat(dead).doesNotHaveDuplicates().doesNotContainAnyElementsOf(classified);
        assertThat(classified.size() + dead.size()).isEqualTo(entries);
        try (Stream<Path> parts = Files.list(classifications)) {
            assertThat(parts.map(p -> p.getFileName().toString()))
                    .noneMatch(n -> n.startsWith("."));
        }

        // A run with other tasks is refused rather than mixed in.
        CliRun other =
                reprocess(
                        "--input",
                        inputs.toString(),
                        "--output",
                        out.toString(),
                        "--format",
                        "jsonl");
        assertThat(other.code()).isNotZero();
        assertThat(other.err()).contains("--overwrite");
    }

    @Test
    void detectsBesideClassifyingIntoDetectionPartFiles() throws Exception {
        Path detector = io.ocellus.models.io.ModelLocator.defaultDetectorDirectory();
        org.junit.jupiter.api.Assumptions.assumeTrue(
                detector != null && Files.isDirectory(detector), "no detector: skipped");
        Path out = tmp.resolve("results-detect");
        CliRun run =
                reprocess(
                        "--input",
                        inputs.toString(),
                        "--output",
                        out.toString(),
                        "--tasks",
                        "classify,detect",
                        "--detector",
                        detector.toString(),
                        "--min-score",
                        "0.5");
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(SharedPredictorFactory.openCount()).as("model and detector closed").isZero();
        ResultsDir dir = new ResultsDir(out.toUri().toString());
        List<String> classified = new ArrayList<>();
        List<io.ocellus.schemas.Detections> detections = new ArrayList<>();
        dir.forEach(
                ResultsDir.CLASSIFICATIONS,
                Classification.class,
                c -> classified.add(locator(c.getFrame())));
        dir.forEach(ResultsDir.DETECTIONS, io.ocellus.schemas.Detections.class, detections::add);
        assertThat(classified).isNotEmpty().doesNotHaveDuplicates();
        assertThat(detections)
                .extracting(d -> locator(d.getFrame()))
                .containsExactlyInAnyOrderElementsOf(classified);
        assertThat(detections)
                .allSatisfy(
                        d -> {
                            assertThat(d.getModelId()).isEqualTo("ssd_mobilenet_v1_coco_quant");
                            assertThat(d.getImageWidth()).isPositive();
                            d.getDetections()
                                    .forEach(o -> assertThat(o.getScore()).isBetween(0.5f, 1f));
                        });
        assertThat(detections)
                .filteredOn(d -> locator(d.getFrame()).endsWith("parrot.jpg"))
                .flatExtracting(d -> d.getDetections())
                .extracting(o -> o.getLabel())
                .contains("bird");
    }

    @Test
    void refusesAnOutputInsideItsInput() {
        CliRun run =
                reprocess(
                        "--input",
                        inputs.toString(),
                        "--output",
                        inputs.resolve("results").toString());
        assertThat(run.code()).isEqualTo(ExitCode.CANNOT_RUN.code());
        assertThat(run.err()).contains("is inside the input");
        assertThat(inputs.resolve("results")).doesNotExist();
    }

    @Test
    void toTheStreamsKafkaTopics() throws Exception {
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            kafka.createTopics(1, List.of("rp.classifications", "rp.dead-letters"));
            CliRun run =
                    reprocess(
                            "--input",
                            inputs.resolve("photos.zip").toString(),
                            inputs.resolve("loose").toString(),
                            "--output",
                            "kafka",
                            "--bootstrap-servers",
                            kafka.bootstrapServers(),
                            "--classifications-topic",
                            "rp.classifications",
                            "--dead-letter-topic",
                            "rp.dead-letters");
            assertThat(run.code()).as(run.err()).isZero();
            Map<String, String> expected = new HashMap<>(EXPECTED);
            String zip = uri(inputs.resolve("photos.zip"));
            String loose = uri(inputs.resolve("loose"));
            expected.keySet().removeIf(key -> !key.startsWith(zip) && !key.startsWith(loose));
            Map<String, String> seen = new HashMap<>();
            for (Classification c : read(kafka, "rp.classifications", Classification.class, 5)) {
                assertThat(seen.put(locator(c.getFrame()), "result")).isNull();
            }
            for (DeadLetter d : read(kafka, "rp.dead-letters", DeadLetter.class, 4)) {
                assertThat(seen.put(locator(d.getFrame()), d.getReasonCode())).isNull();
            }
            assertThat(seen).isEqualTo(expected);
            assertThat(run.summary().accounted()).isTrue();
        }
    }

    @Test
    void toKafkaOverTlsWithATruststoreInThePropertiesFile() throws Exception {
        Path pkiDir = Files.createDirectories(inputs.getParent().resolve("pki"));
        TestPki pki = TestPki.create(pkiDir);
        Map<String, String> client = TlsITCase.ssl(pki.truststore(), pki.password());
        Path properties = TlsITCase.write(client, pkiDir.resolve("ssl.properties"));
        try (LogCapture logs = LogCapture.start();
                EmbeddedKafkaBroker kafka =
                        EmbeddedKafkaBroker.startWithTls(
                                new EmbeddedKafkaBroker.Tls(pki.brokerKeystore(), pki.password()),
                                Map.of())) {
            kafka.createTopics(1, List.of("tls.classifications", "tls.dead-letters"));
            CliRun run =
                    reprocess(
                            "--input",
                            inputs.resolve("loose").toString(),
                            "--output",
                            "kafka",
                            "--bootstrap-servers",
                            kafka.bootstrapServers(),
                            "--classifications-topic",
                            "tls.classifications",
                            "--dead-letter-topic",
                            "tls.dead-letters",
                            "--kafka-properties-file",
                            properties.toString());
            assertThat(run.code()).as(run.err()).isZero();
            long results =
                    FrameClients.readCommitted(
                                    kafka.bootstrapServers(),
                                    client,
                                    "tls.classifications",
                                    Classification.class,
                                    KafkaCodec.Settings.of(WireFormat.SINGLE_OBJECT),
                                    1,
                                    Duration.ofSeconds(2),
                                    Duration.ofSeconds(30))
                            .size();
            assertThat(results).isEqualTo(run.summary().results());
            assertThat(results).isPositive();
            assertThat(logs.text()).contains("security.protocol = SSL");
            for (String text : List.of(run.out(), run.err(), logs.text())) {
                assertThat(text).doesNotContain(pki.password());
            }
        }
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> List<T> read(
            EmbeddedKafkaBroker kafka, String topic, Class<T> type, int expected)
            throws IOException {
        return Results.read(kafka, topic, type, expected, Duration.ofSeconds(30));
    }

    private static String locator(io.ocellus.schemas.FrameRef frame) {
        return ArchiveEntries.locator(frame.getSourceId(), frame.getFrameId());
    }

    /** Outcome per entry locator, failing on an entry seen twice. */
    private static Map<String, String> outcomes(Path out) throws IOException {
        Map<String, String> outcomes = new HashMap<>();
        ResultsDir dir = new ResultsDir(out.toUri().toString());
        dir.forEach(
                ResultsDir.CLASSIFICATIONS,
                Classification.class,
                c -> assertThat(outcomes.put(locator(c.getFrame()), "result")).isNull());
        dir.forEach(
                ResultsDir.DEAD_LETTERS,
                DeadLetter.class,
                d -> {
                    assertThat(d.getOriginalUri()).isEqualTo(locator(d.getFrame()));
                    assertThat(outcomes.put(locator(d.getFrame()), d.getReasonCode()))
                            .as("%s seen twice", locator(d.getFrame()))
                            .isNull();
                });
        return outcomes;
    }

    private static void expect(Path container, String entry, String outcome, Path original) {
        String locator = ArchiveEntries.locator(uri(container), entry);
        EXPECTED.put(locator, outcome);
        if (original != null) {
            ORIGINALS.put(locator, original);
        }
    }

    /** A file's URI as the job names it: {@code file:/path}, no trailing slash. */
    private static String uri(Path path) {
        return path.toFile().toURI().toString().replaceAll("/$", "");
    }

    private static ImageFrame frame(String source, String id, byte[] image) {
        return ImageFrame.newBuilder()
                .setSourceId(source)
                .setFrameId(id)
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
                .setImage(ByteBuffer.wrap(image))
                .build();
    }

    private static ImageFrame claimed(String source, String id, String uri) {
        ImageFrame frame = frame(source, id, new byte[0]);
        frame.setImage(null);
        frame.setClaimCheck(new io.ocellus.schemas.ClaimCheck(uri, null, null));
        return frame;
    }

    private static byte[] head(Path file, int bytes) throws IOException {
        return Arrays.copyOf(Files.readAllBytes(file), bytes);
    }

    private static void put(ZipOutputStream out, String name, byte[] bytes) throws IOException {
        out.putNextEntry(new ZipEntry(name));
        out.write(bytes);
        out.closeEntry();
    }

    private static void put(TarArchiveOutputStream out, String name, byte[] bytes)
            throws IOException {
        TarArchiveEntry entry = new TarArchiveEntry(name);
        entry.setSize(bytes.length);
        out.putArchiveEntry(entry);
        out.write(bytes);
        out.closeArchiveEntry();
    }

    /** Overwrites the start of an entry's deflate data with an invalid block header. */
    private static void corruptDeflateData(Path zip, String name) throws IOException {
        long offset;
        try (ZipFile file = ZipFile.builder().setPath(zip).get()) {
            ZipArchiveEntry entry = file.getEntry(name);
            offset = entry.getDataOffset();
        }
        try (RandomAccessFile file = new RandomAccessFile(zip.toFile(), "rw")) {
            file.seek(offset);
            file.write(new byte[] {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF});
        }
    }

    private static CliRun reprocess(String... args) {
        List<String> all = new ArrayList<>();
        all.add("reprocess");
        all.addAll(List.of(args));
        all.addAll(List.of(MODEL));
        all.addAll(List.of("--max-image-bytes", String.valueOf(MAX_BYTES), "--no-progress"));
        return CliRun.of(all.toArray(String[]::new));
    }
}
