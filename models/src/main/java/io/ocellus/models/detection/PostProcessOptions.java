package io.ocellus.models.detection;

import com.google.flatbuffers.ByteBufferReadWriteBuf;
import com.google.flatbuffers.FlexBuffers;
import io.ocellus.models.MalformedModelException;
import java.nio.ByteBuffer;

/**
 * The settings of TensorFlow Lite's {@code TFLite_Detection_PostProcess}, as the file stores them
 * in the custom operator's FlexBuffer map.
 *
 * @param maxDetections boxes kept after suppression
 * @param maxClassesPerDetection classes reported per box (Ocellus reports 1)
 * @param numClasses classes without the background
 * @param scoreThreshold scores below it are never candidates
 * @param iouThreshold a box overlapping a better one by more than this is suppressed
 * @param yScale the centre-y encoding's scale
 * @param xScale the centre-x encoding's scale
 * @param hScale the height encoding's scale
 * @param wScale the width encoding's scale
 * @param regularNms whether the file asks for per-class suppression instead of the fast
 *     class-agnostic one
 */
public record PostProcessOptions(
        int maxDetections,
        int maxClassesPerDetection,
        int numClasses,
        float scoreThreshold,
        float iouThreshold,
        float yScale,
        float xScale,
        float hScale,
        float wScale,
        boolean regularNms) {

    /** The custom operator's name. */
    public static final String OPERATOR = "TFLite_Detection_PostProcess";

    /**
     * Reads the operator's options.
     *
     * @param source the file, for errors
     * @throws MalformedModelException when the options are missing or out of range
     */
    public static PostProcessOptions read(ByteBuffer flexBuffer, String source)
            throws MalformedModelException {
        if (flexBuffer == null || !flexBuffer.hasRemaining()) {
            throw new MalformedModelException(source + ": " + OPERATOR + " has no options");
        }
        FlexBuffers.Map map;
        try {
            map = FlexBuffers.getRoot(new ByteBufferReadWriteBuf(flexBuffer)).asMap();
        } catch (RuntimeException e) {
            throw new MalformedModelException(
                    source + ": " + OPERATOR + " options are not a FlexBuffer map", e);
        }
        PostProcessOptions options =
                new PostProcessOptions(
                        integer(map, "max_detections", source),
                        map.get("max_classes_per_detection").isNull()
                                ? 1
                                : map.get("max_classes_per_detection").asInt(),
                        integer(map, "num_classes", source),
                        (float) number(map, "nms_score_threshold", source),
                        (float) number(map, "nms_iou_threshold", source),
                        (float) number(map, "y_scale", source),
                        (float) number(map, "x_scale", source),
                        (float) number(map, "h_scale", source),
                        (float) number(map, "w_scale", source),
                        map.get("use_regular_nms").asBoolean());
        options.check(source);
        return options;
    }

    private void check(String source) throws MalformedModelException {
        if (maxDetections < 1
                || numClasses < 1
                || !(iouThreshold > 0 && iouThreshold <= 1)
                || !(yScale > 0 && xScale > 0 && hScale > 0 && wScale > 0)) {
            throw new MalformedModelException(
                    String.format("%s: %s options out of range: %s", source, OPERATOR, this));
        }
    }

    private static int integer(FlexBuffers.Map map, String key, String source)
            throws MalformedModelException {
        return numeric(map, key, source, "integer").asInt();
    }

    private static double number(FlexBuffers.Map map, String key, String source)
            throws MalformedModelException {
        return numeric(map, key, source, "number").asFloat();
    }

    private static FlexBuffers.Reference numeric(
            FlexBuffers.Map map, String key, String source, String kind)
            throws MalformedModelException {
        FlexBuffers.Reference value = map.get(key);
        if (value.isNull() || !value.isNumeric()) {
            throw new MalformedModelException(
                    source + ": " + OPERATOR + " options have no " + kind + " '" + key + "'");
        }
        return value;
    }
}
