package io.ocellus.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ocellus.models.inference.EngineFactory;
import io.ocellus.models.inference.EngineOptions;
import io.ocellus.models.inference.SharedPredictorFactory;
import io.ocellus.models.io.ModelLocator;
import io.ocellus.operators.batch.MicroBatchOptions;
import io.ocellus.operators.decode.DecodeOptions;
import io.ocellus.operators.geo.GeoEstimator;
import io.ocellus.operators.geo.GeoIndex;
import io.ocellus.operators.geo.GeoOptions;
import io.ocellus.operators.geo.GreatCircle;
import io.ocellus.operators.inference.InferenceTasks;
import io.ocellus.pipeline.archive.ArchiveEntries;
import io.ocellus.pipeline.archive.ResultsDir;
import io.ocellus.pipeline.kafka.KafkaCodec;
import io.ocellus.pipeline.kafka.StreamJob;
import io.ocellus.pipeline.kafka.StreamJobOptions;
import io.ocellus.pipeline.local.LocalFlink;
import io.ocellus.pipeline.testutils.Samples;
import io.ocellus.pipeline.tools.EmbeddedKafkaBroker;
import io.ocellus.pipeline.tools.FrameClients;
import io.ocellus.pipeline.workflow.WorkflowOptions;
import io.ocellus.schemas.GeoEstimate;
import io.ocellus.schemas.GeoReference;
import io.ocellus.schemas.serde.WireFormat;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Geo-localization end to end with real weights: {@code geo-index build} from sample pictures
 * placed in eight cities (CSV sidecar and EXIF GPS), near-duplicates (re-encoded, resized, cropped
 * by 10%) located through {@code reprocess}, an index of another model refused, and a hot index
 * swap in the streaming job that changes answers without losing a frame.
 */
class GeoITCase {
    private static final String[] MODEL = {"--alpha", "0.5", "--resolution", "160"};

    /** Distinct pictures (the cat, face and Hopper pictures have near copies among the samples). */
    private static final Map<String, double[]> PLACES = new LinkedHashMap<>();

    static {
        PLACES.put("parrot.jpg", new double[] {48.8566, 2.3522}); // Paris
        PLACES.put("pets.jpg", new double[] {35.6762, 139.6503}); // Tokyo
        PLACES.put("face.jpg", new double[] {-33.8688, 151.2093}); // Sydney: from EXIF
        PLACES.put("grace_hopper.bmp", new double[] {40.7128, -74.0060}); // New York
        PLACES.put("bird.bmp", new double[] {30.0444, 31.2357}); // Cairo
        PLACES.put("squat.bmp", new double[] {-22.9068, -43.1729}); // Rio de Janeiro
        PLACES.put("missvickie_potato_chips.bmp", new double[] {55.7558, 37.6173}); // Moscow
        PLACES.put("cat_720p.jpg", new double[] {-1.2921, 36.8219}); // Nairobi
    }

    @TempDir static Path tmp;
    private static Path references;
    private static Path index;

    @BeforeAll
    static void buildIndex() throws Exception {
        Path models = ModelLocator.defaultDirectory();
        assumeTrue(models != null && Files.isDirectory(models), "weights not found: skipped");
        Path images = Samples.images();
        references = Files.createDirectories(tmp.resolve("references"));
        StringBuilder csv = new StringBuilder("file,latitude,longitude\n");
        for (Map.Entry<String, double[]> place : PLACES.entrySet()) {
            byte[] bytes = Files.readAllBytes(images.resolve(place.getKey()));
            if (place.getKey().equals("face.jpg")) {
                bytes = withGps(bytes, place.getValue()); // located by its EXIF, not the CSV
            } else {
                csv.append(place.getKey())
                        .append(',')
                        .append(place.getValue()[0])
                        .append(',')
                        .append(place.getValue()[1])
                        .append('\n');
            }
            Files.write(references.resolve(place.getKey()), bytes);
        }
        Files.copy(images.resolve("rgb6X4.bmp"), references.resolve("nowhere.bmp"));
        // A frame file whose record carries its own place (Reykjavik).
        try (org.apache.avro.file.DataFileWriter<io.ocellus.schemas.ImageFrame> frames =
                new org.apache.avro.file.DataFileWriter<>(
                        new org.apache.avro.specific.SpecificDatumWriter<>(
                                io.ocellus.schemas.ImageFrame.class))) {
            frames.create(
                    io.ocellus.schemas.ImageFrame.getClassSchema(),
                    references.resolve("frames.avro").toFile());
            frames.append(
                    io.ocellus.schemas.ImageFrame.newBuilder()
                            .setSourceId("drone-3")
                            .setFrameId("f-17")
                            .setEventTime(java.time.Instant.ofEpochMilli(0))
                            .setImage(
                                    ByteBuffer.wrap(
                                            Files.readAllBytes(
                                                    images.resolve("checker224X224.bmp"))))
                            .setLatitude(64.1466)
                            .setLongitude(-21.9426)
                            .build());
        }
        Path sidecar = Files.writeString(tmp.resolve("places.csv"), csv);
        index = tmp.resolve("index/cities.geo.avro");
        Files.createDirectories(index.getParent());

        CliRun build =
                CliRun.of(
                        concat(
                                new String[] {
                                    "geo-index",
                                    "build",
                                    "--input",
                                    references.toString(),
                                    "--locations",
                                    sidecar.toString(),
                                    "--output",
                                    index.toString(),
                                    "--hnsw",
                                    "--no-progress"
                                },
                                MODEL));
        assertThat(build.code()).as(build.err()).isZero();
        assertThat(build.err()).contains("10 entries, 9 with a location, 1 without");
        assertThat(build.err()).contains("nowhere.bmp");
        assertThat(build.out())
                .contains("geo-index: 9 references")
                .contains("HNSW graph of 9 references")
                .contains("mobilenet_v1_0.5_160");
        assertThat(Path.of(index + ".hnsw")).isNotEmptyFile();
        CliRun info = CliRun.of("geo-index", "info", index.toString());
        assertThat(info.out()).contains("model mobilenet_v1_0.5_160, 512 dimensions, 9 references");
        Map<String, double[]> indexed = new HashMap<>();
        try (DataFileStream<GeoReference> file =
                new DataFileStream<>(
                        Files.newInputStream(index),
                        new SpecificDatumReader<>(GeoReference.class))) {
            file.forEach(
                    r -> indexed.put(r.getId(), new double[] {r.getLatitude(), r.getLongitude()}));
        }
        String folder = references.toFile().toURI().toString().replaceAll("/$", "");
        assertThat(indexed.get(ArchiveEntries.locator(folder, "face.jpg")))
                .containsExactly(PLACES.get("face.jpg"), org.assertj.core.data.Offset.offset(1e-6));
        assertThat(indexed.get(ArchiveEntries.locator(folder + "/frames.avro!drone-3", "f-17")))
                .containsExactly(
                        new double[] {64.1466, -21.9426},
                        org.assertj.core.data.Offset.offset(1e-9));
        assertThat(indexed).doesNotContainKey(ArchiveEntries.locator(folder, "nowhere.bmp"));
    }

    @Test
    void nearDuplicatesFindTheirOriginalsPlace() throws Exception {
        Path variants = Files.createDirectories(tmp.resolve("variants"));
        Map<String, String> originalOf = new HashMap<>();
        for (String name : PLACES.keySet()) {
            BufferedImage image = ImageIO.read(references.resolve(name).toFile());
            String stem = name.substring(0, name.lastIndexOf('.'));
            Files.write(variants.resolve(stem + "-reencoded.jpg"), jpeg(image, 0.6f));
            Files.write(
                    variants.resolve(stem + "-resized.jpg"),
                    jpeg(scaled(image, image.getWidth() / 2, image.getHeight() / 2), 0.9f));
            int dx = image.getWidth() / 20;
            int dy = image.getHeight() / 20;
            BufferedImage cropped =
                    copy(
                            image.getSubimage(
                                    dx, dy, image.getWidth() - 2 * dx, image.getHeight() - 2 * dy));
            Files.write(variants.resolve(stem + "-cropped.jpg"), jpeg(cropped, 0.9f));
            for (String kind : List.of("reencoded", "resized", "cropped")) {
                originalOf.put(stem + "-" + kind + ".jpg", name);
            }
        }
        Path out = tmp.resolve("located");
        CliRun run =
                CliRun.of(
                        concat(
                                new String[] {
                                    "reprocess",
                                    "--input",
                                    variants.toString(),
                                    "--output",
                                    out.toString(),
                                    "--tasks",
                                    "geo",
                                    "--geo-index",
                                    index.toString(),
                                    "--geo-k",
                                    "3",
                                    "--geo-bandwidth-km",
                                    "50",
                                    "--geo-search",
                                    "hnsw",
                                    "--no-progress"
                                },
                                MODEL));
        assertThat(run.code()).as(run.err()).isZero();
        Map<String, GeoEstimate> estimates = new HashMap<>();
        new ResultsDir(out.toUri().toString())
                .forEach(
                        ResultsDir.GEO,
                        GeoEstimate.class,
                        g -> estimates.put(g.getFrame().getFrameId(), g));
        assertThat(estimates.keySet()).containsExactlyInAnyOrderElementsOf(originalOf.keySet());
        String referenceFolder = references.toFile().toURI().toString().replaceAll("/$", "");
        for (Map.Entry<String, String> variant : originalOf.entrySet()) {
            GeoEstimate estimate = estimates.get(variant.getKey());
            double[] place = PLACES.get(variant.getValue());
            assertThat(estimate.getNeighbours().get(0).getId())
                    .as(variant.getKey())
                    .isEqualTo(ArchiveEntries.locator(referenceFolder, variant.getValue()));
            assertThat(
                            GreatCircle.km(
                                    estimate.getLatitude(),
                                    estimate.getLongitude(),
                                    place[0],
                                    place[1]))
                    .as(variant.getKey())
                    .isLessThan(1);
            assertThat(estimate.getNeighbours()).hasSize(3);
            assertThat(estimate.getModelId()).isEqualTo("mobilenet_v1_0.5_160");
        }
        assertThat(run.out()).contains("24 entries: 24 results");
    }

    @Test
    void anIndexOfAnotherModelIsRefused() {
        CliRun run =
                CliRun.of(
                        "reprocess",
                        "--input",
                        references.toString(),
                        "--output",
                        tmp.resolve("refused").toString(),
                        "--geo-index",
                        index.toString(),
                        "--alpha",
                        "0.25",
                        "--resolution",
                        "128",
                        "--no-progress");
        assertThat(run.code()).isNotZero();
        assertThat(run.err())
                .contains("was built with mobilenet_v1_0.5_160")
                .contains("this job embeds with mobilenet_v1_0.25_128");
    }

    @Test
    void aHotIndexSwapChangesAnswersWithoutLosingFrames() throws Exception {
        // Version 2: the same references, every place moved to the antipode.
        Path moved = tmp.resolve("index/cities-v2.geo.avro");
        List<GeoReference> entries = new ArrayList<>();
        String modelId;
        try (DataFileStream<GeoReference> file =
                new DataFileStream<>(
                        Files.newInputStream(index),
                        new SpecificDatumReader<>(GeoReference.class))) {
            modelId = file.getMetaString("ocellus.geo.model");
            for (GeoReference entry : file) {
                entry.setLatitude(-entry.getLatitude());
                entry.setLongitude(
                        entry.getLongitude() > 0
                                ? entry.getLongitude() - 180
                                : entry.getLongitude() + 180);
                entries.add(entry);
            }
        }
        try (OutputStream out = Files.newOutputStream(moved)) {
            GeoIndex.write(out, modelId, entries);
        }
        byte[] parrot = Files.readAllBytes(references.resolve("parrot.jpg"));
        double[] paris = PLACES.get("parrot.jpg");

        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            kafka.createTopics(1, List.of("frames", "geo", "dead-letters", "geo-index-updates"));
            JobClient job = startStream(kafka);
            try (KafkaProducer<byte[], byte[]> producer =
                    FrameClients.producer(kafka.bootstrapServers(), Map.of())) {
                int sent = 0;
                for (; sent < 5; sent++) {
                    producer.send(FrameClients.rawFrame("frames", "cam", "before-" + sent, parrot));
                }
                producer.flush();
                List<GeoEstimate> before = read(kafka, 5);
                assertThat(before).allSatisfy(g -> assertThat(km(g, paris)).isLessThan(1));

                // The update, while frames keep coming; then until an answer from the new index.
                producer.send(
                        new ProducerRecord<>(
                                "geo-index-updates",
                                null,
                                moved.toUri().toString().getBytes(StandardCharsets.UTF_8)));
                long deadline = System.currentTimeMillis() + 60_000;
                boolean swapped = false;
                while (!swapped && System.currentTimeMillis() < deadline) {
                    producer.send(FrameClients.rawFrame("frames", "cam", "during-" + sent, parrot));
                    producer.flush();
                    sent++;
                    Thread.sleep(300);
                    swapped =
                            read(kafka, sent).stream()
                                    .anyMatch(
                                            g ->
                                                    km(g, new double[] {-paris[0], paris[1] - 180})
                                                            < 1);
                }
                assertThat(swapped).as("an answer from the new index within a minute").isTrue();
                for (int i = 0; i < 5; i++, sent++) {
                    producer.send(FrameClients.rawFrame("frames", "cam", "after-" + i, parrot));
                }
                producer.flush();
                List<GeoEstimate> all = read(kafka, sent);
                assertThat(all).hasSize(sent);
                assertThat(all).extracting(g -> g.getFrame().getFrameId()).doesNotHaveDuplicates();
                assertThat(all)
                        .filteredOn(g -> g.getFrame().getFrameId().startsWith("after-"))
                        .hasSize(5)
                        .allSatisfy(
                                g -> {
                                    assertThat(km(g, new double[] {-paris[0], paris[1] - 180}))
                                            .isLessThan(1);
                                    assertThat(g.getIndexId())
                                            .isNotEqualTo(before.get(0).getIndexId());
                                });
            } finally {
                job.cancel().get();
            }
        }
    }

    private static double km(GeoEstimate g, double[] place) {
        return GreatCircle.km(g.getLatitude(), g.getLongitude(), place[0], place[1]);
    }

    private static JobClient startStream(EmbeddedKafkaBroker kafka) throws Exception {
        Path models = ModelLocator.defaultDirectory();
        EngineFactory engine =
                new EngineFactory(
                        ModelLocator.locate(models.toString(), 0.5, 160, null),
                        EngineOptions.builder().optIntraOpThreads(2).build());
        WorkflowOptions workflow =
                new WorkflowOptions(
                        new SharedPredictorFactory(engine),
                        new InferenceTasks(0, true, true, false),
                        new MicroBatchOptions(4, Duration.ofMillis(50)),
                        DecodeOptions.defaults(),
                        new GeoOptions(
                                index.toUri().toString(),
                                "mobilenet_v1_0.5_160",
                                new GeoEstimator(
                                        3,
                                        50,
                                        GeoEstimator.Weighting.SOFTMAX,
                                        GeoEstimator.DEFAULT_TEMPERATURE,
                                        1),
                                GeoIndex.Search.EXACT));
        StreamJobOptions options =
                StreamJobOptions.builder()
                        .setBootstrapServers(kafka.bootstrapServers())
                        .setInputTopic("frames")
                        .setDeadLetterTopic("dead-letters")
                        .setJobName("ocellus-geo-it")
                        .setWorkflow(workflow)
                        .optOutputFormat(WireFormat.SINGLE_OBJECT)
                        .optGeoTopic("geo")
                        .optGeoIndexUpdatesTopic("geo-index-updates")
                        .build();
        // A local cluster of its own (no test extension): reprocess, run by the other tests in this
        // JVM, builds its own batch cluster the same way.
        StreamExecutionEnvironment env = LocalFlink.environment();
        env.setParallelism(1);
        env.enableCheckpointing(300);
        StreamJob.define(env, options);
        return env.executeAsync("ocellus-geo-it");
    }

    private static List<GeoEstimate> read(EmbeddedKafkaBroker kafka, int expected)
            throws IOException {
        return FrameClients.readCommitted(
                kafka.bootstrapServers(),
                "geo",
                GeoEstimate.class,
                KafkaCodec.Settings.of(WireFormat.SINGLE_OBJECT),
                expected,
                Duration.ofMillis(800),
                Duration.ofSeconds(60));
    }

    /** The JPEG with an EXIF GPS block placing it at {@code place}. */
    private static byte[] withGps(byte[] jpeg, double[] place) {
        ByteBuffer b = ByteBuffer.allocate(128);
        b.put((byte) 'M').put((byte) 'M').putShort((short) 42).putInt(8);
        b.putShort((short) 1)
                .putShort((short) 0x8825)
                .putShort((short) 4)
                .putInt(1)
                .putInt(26)
                .putInt(0);
        b.putShort((short) 4);
        b.putShort((short) 1)
                .putShort((short) 2)
                .putInt(2)
                .put((byte) (place[0] < 0 ? 'S' : 'N'))
                .put(new byte[3]);
        b.putShort((short) 2).putShort((short) 5).putInt(3).putInt(80);
        b.putShort((short) 3)
                .putShort((short) 2)
                .putInt(2)
                .put((byte) (place[1] < 0 ? 'W' : 'E'))
                .put(new byte[3]);
        b.putShort((short) 4).putShort((short) 5).putInt(3).putInt(104);
        b.putInt(0);
        for (double value : new double[] {Math.abs(place[0]), Math.abs(place[1])}) {
            long micro = Math.round(value * 1_000_000);
            b.putInt((int) micro).putInt(1_000_000).putInt(0).putInt(1).putInt(0).putInt(1);
        }
        byte[] tiff = java.util.Arrays.copyOf(b.array(), b.position());
        int length = 2 + 6 + tiff.length;
        ByteBuffer out = ByteBuffer.allocate(jpeg.length + 2 + length);
        out.put(jpeg, 0, 2);
        out.put((byte) 0xFF).put((byte) 0xE1).putShort((short) length);
        out.put(new byte[] {'E', 'x', 'i', 'f', 0, 0}).put(tiff);
        out.put(jpeg, 2, jpeg.length - 2);
        return out.array();
    }

    private static byte[] jpeg(BufferedImage image, float quality) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream out = new MemoryCacheImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality(quality);
            writer.write(null, new IIOImage(copy(image), null, null), param);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static BufferedImage scaled(BufferedImage image, int width, int height) {
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(
                RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(image, 0, 0, width, height, null);
        g.dispose();
        return out;
    }

    private static BufferedImage copy(BufferedImage image) {
        return scaled(image, image.getWidth(), image.getHeight());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
