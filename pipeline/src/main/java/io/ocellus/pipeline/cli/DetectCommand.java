package io.ocellus.pipeline.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ocellus.models.ModelException;
import io.ocellus.models.detection.Detection;
import io.ocellus.models.inference.InferenceEngine;
import io.ocellus.models.inference.Outputs;
import io.ocellus.models.inference.Prediction;
import io.ocellus.pipeline.config.DetectionOptions;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code ocellus detect}: COCO objects per image with SSD-MobileNet v1, one JSON line each. */
@Command(
        name = "detect",
        mixinStandardHelpOptions = true,
        description = {
            "Detect objects with an SSD detector (default: Google's SSD-MobileNet v1 COCO in"
                    + " ../shared/models/ssd_mobilenet_v1_coco or $OCELLUS_DETECTOR_DIR; --model"
                    + " names another); one JSON line per image:",
            "  {\"file\":...,\"model\":...,\"detections\":[{\"index\":17,\"label\":\"dog\",\"score\":0.51,",
            "   \"box\":{\"ymin\":..,\"xmin\":..,\"ymax\":..,\"xmax\":..}}]}",
            "boxes best first in normalised coordinates [0, 1]; {\"file\":...,\"error\":...} for a"
                    + " file that cannot be read. Exit code 1 if any failed."
        })
public final class DetectCommand extends ImageCommand {
    /** The boxes kept: {@code --min-score}, {@code --max-detections}. */
    @Command
    public static final class QueryFlags extends FlagGroup {
        @Override
        protected List<List<Flag>> flags() {
            return List.of(Flags.DETECTION_QUERY);
        }
    }

    @Mixin QueryFlags query;

    @Override
    Outputs outputs() {
        return Outputs.detections(DetectionOptions.query(query.configuration()));
    }

    @Override
    InferenceEngine open() throws ModelException {
        return openDetector(model);
    }

    /** The detector: {@code --model} if given, else the default detector folder. */
    static InferenceEngine openDetector(ModelFlags model) throws ModelException {
        return DetectionOptions.open(detectorSettings(model), List.of());
    }

    /** The detector's settings: {@code --model} and {@code --labels} name the detector here. */
    static Configuration detectorSettings(ModelFlags model) {
        return DetectionOptions.modelAsDetector(model.configuration());
    }

    @Override
    void describe(Prediction prediction, ObjectNode line) {
        putDetections(line, prediction.detections());
    }

    /** {@code "detections": [{"index", "label", "score", "box": {...}}...]}, best first. */
    static void putDetections(ObjectNode line, List<Detection> detections) {
        ArrayNode boxes = line.putArray("detections");
        for (Detection d : detections) {
            ObjectNode item = boxes.addObject();
            item.put("index", d.index()).put("label", d.label()).put("score", d.score());
            item.putObject("box")
                    .put("ymin", d.ymin())
                    .put("xmin", d.xmin())
                    .put("ymax", d.ymax())
                    .put("xmax", d.xmax());
        }
    }
}
