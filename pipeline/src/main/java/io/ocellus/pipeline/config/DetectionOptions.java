package io.ocellus.pipeline.config;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.ocellus.models.ModelException;
import io.ocellus.models.ModelNotFoundException;
import io.ocellus.models.inference.InferenceEngine;
import io.ocellus.models.inference.Outputs.DetectionQuery;
import io.ocellus.models.io.ModelLocator;
import io.ocellus.models.io.ModelSource;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Object detection: the SSD detector a job runs beside its classifier, and which boxes it keeps.
 * The detector runs with the model's engine settings (threads, precision, float activations).
 */
public final class DetectionOptions {
    public static final ConfigOption<String> MODEL =
            key("ocellus.detect.model")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The SSD detector: a TensorFlow Lite file with"
                                    + " TFLite_Detection_PostProcess (Google's"
                                    + " ssd_mobilenet_v1_coco_quant.tflite) or its folder. Default:"
                                    + " $OCELLUS_DETECTOR_DIR, else"
                                    + " ../shared/models/ssd_mobilenet_v1_coco.");

    public static final ConfigOption<String> LABELS =
            key("ocellus.detect.labels")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "The detector's label file (coco_labels.txt: line 0 '???', then COCO's"
                                    + " 90 ids). Default: labels.txt or coco_labels.txt beside it.");

    public static final ConfigOption<Float> MIN_SCORE =
            key("ocellus.detect.min-score")
                    .floatType()
                    .defaultValue(0.3f)
                    .withDescription("Boxes scoring below this are dropped (0 to 1).");

    public static final ConfigOption<Integer> MAX_DETECTIONS =
            key("ocellus.detect.max-detections")
                    .intType()
                    .defaultValue(0)
                    .withDescription(
                            "At most this many boxes per frame, best first; 0 for the model's own"
                                    + " limit (10 for Google's COCO detector).");

    private DetectionOptions() {}

    /** Where the detector's files are. */
    public static ModelSource source(ReadableConfig config) throws ModelException {
        String path = Settings.get(config, MODEL);
        if (path == null) {
            Path dir = ModelLocator.defaultDetectorDirectory();
            if (dir == null) {
                throw new ModelNotFoundException(
                        "no detector given: set "
                                + MODEL.key()
                                + " (flag --detector) or "
                                + ModelLocator.DETECTOR_DIR_ENV
                                + " to Google's SSD-MobileNet v1 COCO file"
                                + " (coco_ssd_mobilenet_v1_1.0_quant_2018_06_29.zip holds it as"
                                + " detect.tflite)");
            }
            path = dir.toString();
        }
        return ModelLocator.locate(path, null, null, Settings.get(config, LABELS));
    }

    /** Which boxes to keep, checked. */
    public static DetectionQuery query(ReadableConfig config) {
        float minScore = Settings.get(config, MIN_SCORE);
        if (!(minScore >= 0 && minScore <= 1)) {
            throw new InvalidSettingException(
                    MIN_SCORE.key(), String.valueOf(minScore), "a score between 0 and 1");
        }
        return new DetectionQuery(Settings.atLeast(config, MAX_DETECTIONS, 0), minScore);
    }

    /** Opens the detector with the model's engine settings and checks it is one. */
    public static InferenceEngine open(ReadableConfig config, List<Integer> warmUp)
            throws ModelException {
        return check(
                InferenceEngine.open(source(config), ModelOptions.engineOptions(config, warmUp)));
    }

    /** The engine, if it is a detector; else closed, with an error naming it. */
    public static InferenceEngine check(InferenceEngine engine) throws ModelNotFoundException {
        if (!engine.signature().isDetector()) {
            String id = engine.signature().modelId();
            engine.close();
            throw new ModelNotFoundException(
                    id
                            + " is not a detector (no TFLite_Detection_PostProcess): give an SSD"
                            + " file such as ssd_mobilenet_v1_coco_quant.tflite");
        }
        return engine;
    }
}
