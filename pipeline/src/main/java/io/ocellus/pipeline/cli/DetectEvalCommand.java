package io.ocellus.pipeline.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ocellus.models.ModelException;
import io.ocellus.models.detection.Detection;
import io.ocellus.models.eval.DetectionMap;
import io.ocellus.models.image.ImageDecoder;
import io.ocellus.models.image.ImageDecodingException;
import io.ocellus.models.inference.InferenceEngine;
import io.ocellus.models.inference.Outputs;
import io.ocellus.models.inference.RgbImage;
import io.ocellus.models.reference.TfliteInterpreter;
import io.ocellus.pipeline.config.DetectionOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ocellus detect-eval}: the detector's mAP@0.5 on images with COCO boxes, next to the
 * TensorFlow Lite interpreter's on the same file and the same pixels.
 */
@Command(
        name = "detect-eval",
        mixinStandardHelpOptions = true,
        description = {
            "Measure the detector's mAP@0.5 (VOC all-point, per class, over the classes with"
                    + " ground truth) on images with COCO boxes, next to the TensorFlow Lite"
                    + " interpreter running the same file on the same uint8 pixels (the whole"
                    + " image stretched to the input, legacy bilinear, truncated), and the"
                    + " engine's own pre-processing. Annotations: one JSON object per line with"
                    + " img_fn and bboxes [{bbox: [x, y, w, h] in pixels, category_id}], as in"
                    + " ../shared/datasets/coco-val2017-10 (ids above 90 are ignored)."
        })
public final class DetectEvalCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ModelFlags model;

    @Option(
            names = "--annotations",
            paramLabel = "FILE",
            description =
                    "The annotations. Default: coco-val2017-10/annotations.jsonl under"
                            + " ../shared/datasets (or -Docellus.datasets.dir).")
    Path annotations;

    @Option(
            names = "--images",
            paramLabel = "DIR",
            description = "Where the images are. Default: images/ beside the annotations.")
    Path images;

    @Option(names = "--no-reference", description = "Do not run the TensorFlow Lite interpreter.")
    boolean noReference;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        Path file =
                annotations != null
                        ? annotations
                        : Path.of(System.getProperty("ocellus.datasets.dir", "../shared/datasets"))
                                .resolve("coco-val2017-10/annotations.jsonl");
        Path folder = images != null ? images : file.toAbsolutePath().getParent().resolve("images");
        ObjectMapper json = new ObjectMapper();
        DetectionMap engineSame = new DetectionMap(0.5);
        DetectionMap engineOwn = new DetectionMap(0.5);
        DetectionMap reference = new DetectionMap(0.5);
        int boxes = 0;
        Outputs query = Outputs.detections(new Outputs.DetectionQuery(0, 0f));
        try (InferenceEngine engine = DetectCommand.openDetector(model);
                TfliteInterpreter interpreter =
                        noReference
                                ? null
                                : new TfliteInterpreter(
                                        DetectionOptions.source(
                                                        DetectCommand.detectorSettings(model))
                                                .files()
                                                .get(0))) {
            int resolution = engine.signature().resolution();
            for (String line : Files.readAllLines(file)) {
                if (line.isBlank()) {
                    continue;
                }
                JsonNode entry = json.readTree(line);
                Path image = folder.resolve(Path.of(entry.get("img_fn").asText()).getFileName());
                RgbImage pixels = new ImageDecoder().decode(image);
                List<Detection> truth = truth(entry, pixels);
                boxes += truth.size();
                byte[] levels = TfliteInterpreter.quantizedInput(pixels, resolution);
                engineSame.add(truth, engine.inferLevels(levels, 1, query).get(0).detections());
                engineOwn.add(truth, engine.infer(List.of(pixels), query).get(0).detections());
                if (interpreter != null) {
                    reference.add(
                            truth,
                            interpreter.detections(levels).stream()
                                    .map(Detection::clipped)
                                    .toList());
                }
            }
            print(out, engine.signature().modelId(), file, boxes, engineSame, reference, engineOwn);
            return 0;
        } catch (ModelException | ImageDecodingException e) {
            spec.commandLine().getErr().println("ocellus: " + e.getMessage());
            return ExitCode.CANNOT_RUN.code();
        }
    }

    private void print(
            PrintWriter out,
            String modelId,
            Path file,
            int boxes,
            DetectionMap engineSame,
            DetectionMap reference,
            DetectionMap engineOwn) {
        out.printf(
                Locale.ROOT,
                "%s on %d images (%s), %d ground-truth boxes, %d classes%n",
                modelId,
                engineSame.images(),
                file,
                boxes,
                engineSame.averagePrecisions().size());
        out.printf(
                Locale.ROOT,
                "mAP@0.5 engine, the interpreter's uint8 pixels: %.4f%n",
                engineSame.meanAveragePrecision());
        if (!noReference) {
            out.printf(
                    Locale.ROOT,
                    "mAP@0.5 TensorFlow Lite interpreter:            %.4f%n",
                    reference.meanAveragePrecision());
        }
        out.printf(
                Locale.ROOT,
                "mAP@0.5 engine, its own pre-processing:         %.4f%n",
                engineOwn.meanAveragePrecision());
    }

    /** COCO thing boxes (ids up to 90) as the detector's classes, normalised. */
    private static List<Detection> truth(JsonNode entry, RgbImage image) {
        List<Detection> truth = new ArrayList<>();
        for (JsonNode box : entry.path("bboxes")) {
            int category = box.path("category_id").asInt(0);
            JsonNode b = box.path("bbox");
            if (category < 1 || category > 90 || b.size() != 4) {
                continue;
            }
            double x = b.get(0).asDouble();
            double y = b.get(1).asDouble();
            double w = b.get(2).asDouble();
            double h = b.get(3).asDouble();
            truth.add(
                    new Detection(
                            category - 1,
                            box.path("category").asText(""),
                            1f,
                            (float) (y / image.height()),
                            (float) (x / image.width()),
                            (float) ((y + h) / image.height()),
                            (float) ((x + w) / image.width())));
        }
        return truth;
    }
}
