package io.ocellus.pipeline.config;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.ocellus.models.ModelException;
import io.ocellus.models.ModelNotFoundException;
import io.ocellus.models.inference.InferenceEngine;
import io.ocellus.models.inference.Outputs.DetectionQuery;
import io.ocellus.models.inference.Predictor;
import io.ocellus.models.io.ModelLocator;
import io.ocellus.models.io.ModelSource;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
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

    /**
     * Settings where the model's path and labels name the detector, for a command or SQL model
     * whose one model is the detector: {@code ocellus.model.path} and {@code ocellus.model.labels}
     * stand for {@code ocellus.detect.model} and {@code ocellus.detect.labels} where those are not
     * set.
     */
    public static Configuration modelAsDetector(ReadableConfig config) {
        Configuration detector = Configuration.fromMap(config.toMap());
        if (!detector.contains(MODEL)) {
            config.getOptional(ModelOptions.PATH).ifPresent(path -> detector.set(MODEL, path));
        }
        if (!detector.contains(LABELS)) {
            config.getOptional(ModelOptions.LABELS)
                    .ifPresent(labels -> detector.set(LABELS, labels));
        }
        return detector;
    }

    /** The model, if it is a detector; else closed, with an error naming it. */
    public static <P extends Predictor> P check(P engine) throws ModelNotFoundException {
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
