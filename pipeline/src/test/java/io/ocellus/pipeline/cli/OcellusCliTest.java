package io.ocellus.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ocellus.models.io.ModelLocator;
import io.ocellus.pipeline.OcellusCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OcellusCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir Path dir;

    @Test
    void listsTheSixteenReleasedVariants() {
        Run run = run("models");
        assertThat(run.code).isZero();
        assertThat(run.stdout.lines().filter(line -> line.startsWith("mobilenet_v1_"))).hasSize(16);
        assertThat(run.stdout).contains("mobilenet_v1_1.0_224").contains("568.7");
    }

    @Test
    void explainsEveryCommandAndOption() {
        assertThat(run("--help").stdout)
                .contains(
                        "classify", "embed", "models", "bench", "stream", "demo", "bench-pipeline");
        assertThat(run("classify", "--help").stdout)
                .contains("--model", "--alpha", "--resolution", "--top", "--preprocess");
        assertThat(run("bench", "--help").stdout).contains("--batch", "--threads", "--rounds");
        assertThat(run("stream", "--help").stdout)
                .contains(
                        "--bootstrap-servers",
                        "--input-topic",
                        "--classifications-topic",
                        "--embeddings-topic",
                        "--features-topic",
                        "--dead-letter-topic",
                        "--kafka-property",
                        "--at-least-once");
    }

    @Test
    void classifiesRealImagesAndReportsUnreadableOnesWithoutStopping() throws Exception {
        Path models = modelDir();
        Path images = imagesDir();
        Path broken =
                Files.write(dir.resolve("broken.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2});
        Run run =
                run(
                        "classify",
                        "--model",
                        models.toString(),
                        "--alpha",
                        "1.0",
                        "--resolution",
                        "224",
                        "--preprocess",
                        "stretch",
                        "--top",
                        "3",
                        images.resolve("parrot.jpg").toString(),
                        broken.toString(),
                        images.resolve("grace_hopper.bmp").toString());
        List<JsonNode> lines = jsonLines(run.stdout);
        assertThat(run.code).as(run.stderr).isEqualTo(1);
        assertThat(lines).hasSize(3);
        JsonNode parrot = byFile(lines, "parrot.jpg");
        assertThat(parrot.get("model").asText()).isEqualTo("mobilenet_v1_1.0_224");
        assertThat(parrot.get("top")).hasSize(3);
        assertThat(parrot.get("top").get(0).get("label").asText()).isEqualTo("macaw");
        assertThat(parrot.get("top").get(0).get("index").asInt()).isEqualTo(89);
        assertThat(byFile(lines, "grace_hopper.bmp").get("top").get(0).get("label").asText())
                .isEqualTo("military uniform");
        assertThat(byFile(lines, "broken.jpg").get("error").asText()).isNotBlank();
    }

    @Test
    void detectsObjectsAsJsonLinesWithBoxesInsideTheImage() throws Exception {
        Path detector = ModelLocator.defaultDetectorDirectory();
        assumeTrue(detector != null && Files.isDirectory(detector), "no detector: skipped");
        Path golden =
                Path.of(System.getProperty("ocellus.datasets.dir", "../shared/datasets"))
                        .resolve("detection-golden");
        Path broken = Files.write(dir.resolve("broken.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8});
        Run run =
                run(
                        "detect",
                        "--min-score",
                        "0.4",
                        golden.resolve("cats_and_dogs.jpg").toString(),
                        imagesDir().resolve("grace_hopper.bmp").toString(),
                        broken.toString());
        List<JsonNode> lines = jsonLines(run.stdout);
        assertThat(run.code).as(run.stderr).isEqualTo(1);
        assertThat(lines).hasSize(3);
        JsonNode cats = byFile(lines, "cats_and_dogs.jpg");
        assertThat(cats.get("model").asText()).isEqualTo("ssd_mobilenet_v1_coco_quant");
        JsonNode best = cats.get("detections").get(0);
        assertThat(best.get("label").asText()).isEqualTo("cat");
        assertThat(best.get("index").asInt()).isEqualTo(16);
        double previous = 1;
        for (JsonNode d : cats.get("detections")) {
            assertThat(d.get("score").asDouble()).isBetween(0.4, previous);
            previous = d.get("score").asDouble();
            JsonNode box = d.get("box");
            assertThat(box.get("ymin").asDouble()).isBetween(0.0, box.get("ymax").asDouble());
            assertThat(box.get("xmin").asDouble()).isBetween(0.0, box.get("xmax").asDouble());
            assertThat(box.get("xmax").asDouble()).isLessThanOrEqualTo(1.0);
            assertThat(box.get("ymax").asDouble()).isLessThanOrEqualTo(1.0);
        }
        JsonNode hopper = byFile(lines, "grace_hopper.bmp").get("detections");
        assertThat(hopper.findValuesAsText("label")).contains("person", "tie");
        assertThat(byFile(lines, "broken.jpg").get("error").asText()).isNotBlank();
    }

    @Test
    void detectEvalPrintsTheEnginesMapNextToTheInterpreters() {
        Path detector = ModelLocator.defaultDetectorDirectory();
        assumeTrue(detector != null && Files.isDirectory(detector), "no detector: skipped");
        Path annotations =
                Path.of(System.getProperty("ocellus.datasets.dir", "../shared/datasets"))
                        .resolve("coco-val2017-10/annotations.jsonl");
        assumeTrue(Files.isRegularFile(annotations), "no COCO images: skipped");
        Run run = run("detect-eval", "--annotations", annotations.toString());
        assertThat(run.code).as(run.stderr).isZero();
        assertThat(run.stdout).contains("on 10 images");
        double ours = figure(run.stdout, "engine, the interpreter's uint8 pixels");
        double theirs = figure(run.stdout, "TensorFlow Lite interpreter");
        assertThat(theirs).isGreaterThan(0.3);
        assertThat(ours).isGreaterThanOrEqualTo(theirs - 0.01);
    }

    private static double figure(String stdout, String label) {
        return stdout.lines()
                .filter(line -> line.contains(label))
                .map(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no '" + label + "' in " + stdout));
    }

    @Test
    void detectRefusesAClassifierAsItsModel() {
        Path models = modelDir();
        Run run =
                run(
                        "detect",
                        "--model",
                        models.toString(),
                        imagesDir().resolve("cat.bmp").toString());
        assertThat(run.code).isEqualTo(2);
        assertThat(run.stderr).contains("is not a detector");
    }

    @Test
    void walksDirectoriesForPicturesOnly() throws Exception {
        Path images = Files.createDirectories(dir.resolve("album/nested"));
        Files.copy(imagesDir().resolve("parrot.jpg"), images.resolve("parrot.JPG"));
        Files.writeString(dir.resolve("album/notes.txt"), "not a picture");
        Run run =
                run(
                        "classify",
                        "--model",
                        modelDir().resolve("mobilenet_v1_0.25_128_quant.tflite").toString(),
                        dir.resolve("album").toString());
        assertThat(run.code).as(run.stderr).isZero();
        assertThat(jsonLines(run.stdout)).hasSize(1);
        assertThat(jsonLines(run.stdout).get(0).get("file").asText()).endsWith("parrot.JPG");
    }

    @Test
    void demoStreamsTheImagesThroughKafkaAndAccountsForEachOne() throws Exception {
        Path album = Files.createDirectories(dir.resolve("demo"));
        Files.copy(imagesDir().resolve("parrot.jpg"), album.resolve("parrot.jpg"));
        Files.copy(imagesDir().resolve("grace_hopper.bmp"), album.resolve("grace_hopper.bmp"));
        Files.write(album.resolve("broken.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, 0, 1, 2});
        Run run =
                run(
                        "demo",
                        "--images",
                        album.toString(),
                        "--model",
                        modelDir().toString(),
                        "--preprocess",
                        "stretch");
        assertThat(run.code).as(run.stderr).isZero();
        assertThat(run.stdout)
                .contains("3 frames in: 2 classified")
                .contains("1 dead letters")
                .containsPattern("parrot.jpg +macaw")
                .containsPattern("grace_hopper.bmp +military uniform")
                .containsPattern("broken.jpg +dead letter UNDECODABLE");
    }

    @Test
    void readsItsSettingsFromAnArgumentFile() throws Exception {
        Path settings = dir.resolve("job.args");
        Files.writeString(
                settings,
                String.join(
                        "\n",
                        "# settings of a classify run, one option per line",
                        "--model " + modelDir().resolve("mobilenet_v1_0.25_128_quant.tflite"),
                        "--top 2",
                        imagesDir().resolve("parrot.jpg").toString()));
        Run run = run("classify", "@" + settings);
        assertThat(run.code).as(run.stderr).isZero();
        assertThat(jsonLines(run.stdout).get(0).get("top")).hasSize(2);
    }

    @Test
    void embedsWithUnitNormAndTheModelsWidth() throws Exception {
        Run run =
                run(
                        "embed",
                        "--model",
                        modelDir().resolve("mobilenet_v1_0.25_128_quant.tflite").toString(),
                        imagesDir().resolve("cat.bmp").toString());
        assertThat(run.code).as(run.stderr).isZero();
        JsonNode line = jsonLines(run.stdout).get(0);
        assertThat(line.get("embedding")).hasSize(256);
        double sum = 0;
        for (JsonNode v : line.get("embedding")) {
            sum += v.asDouble() * v.asDouble();
        }
        assertThat(sum).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
        assertThat(line.get("norm").asDouble()).isGreaterThan(0);
    }

    @Test
    void explainsHowToGetWeightsWhenThereAreNone() {
        Run run = run("classify", "--model", dir.resolve("nowhere").toString(), "x.jpg");
        assertThat(run.code).isEqualTo(2);
        assertThat(run.stderr).contains("no model at").contains("mobilenet_v1_2018_08_02");
    }

    private static Path modelDir() {
        Path dir = ModelLocator.defaultDirectory();
        assumeTrue(dir != null && Files.isDirectory(dir), "MobileNet weights not found: skipped");
        return dir;
    }

    private static Path imagesDir() {
        Path dir = Path.of(System.getProperty("ocellus.images.dir", "../shared/images"));
        assumeTrue(Files.isDirectory(dir), "test images not found: skipped");
        return dir;
    }

    private static JsonNode byFile(List<JsonNode> lines, String name) {
        return lines.stream()
                .filter(line -> line.get("file").asText().endsWith(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no line for " + name + " in " + lines));
    }

    private static List<JsonNode> jsonLines(String stdout) throws Exception {
        List<JsonNode> lines = new ArrayList<>();
        for (String line : stdout.lines().filter(l -> l.startsWith("{")).toList()) {
            lines.add(JSON.readTree(line));
        }
        return lines;
    }

    private record Run(int code, String stdout, String stderr) {}

    private static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        picocli.CommandLine cli = OcellusCli.commandLine();
        cli.setOut(
                new java.io.PrintWriter(new PrintStream(out, true, StandardCharsets.UTF_8), true));
        cli.setErr(
                new java.io.PrintWriter(new PrintStream(err, true, StandardCharsets.UTF_8), true));
        int code = cli.execute(args);
        return new Run(
                code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
