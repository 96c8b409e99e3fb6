package io.ocellus.models.detection;

import io.ocellus.models.MalformedModelException;
import io.ocellus.models.ModelNotFoundException;
import io.ocellus.models.inference.EvenChannels;
import io.ocellus.models.inference.PointwiseMatMul;
import io.ocellus.models.io.ModelSignature;
import io.ocellus.models.weights.Requantization;
import io.ocellus.models.weights.internal.TfliteSchema;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tensorflow.op.Ops;

/**
 * Writes a TensorFlow Lite SSD detector (Google's SSD-MobileNet v1 COCO file and others built the
 * same way) into a TensorFlow graph, operator by operator in the file's order, up to the inputs of
 * its {@code TFLite_Detection_PostProcess}.
 *
 * <p>Operators: {@code CONV_2D} and {@code DEPTHWISE_CONV_2D} (kernels dequantized and transposed
 * to TensorFlow's layout, fused ReLU6), {@code RESHAPE} (the batch dimension left open), {@code
 * CONCATENATION} and {@code LOGISTIC}. Any other operator is refused by name.
 *
 * <p>With {@code emulateQuantization} the float graph repeats the integer interpreter: each
 * convolution takes its input in 8-bit steps with the integer kernel (so float32 sums the int32
 * accumulator exactly), adds the integer bias, multiplies by the requantization multiplier once,
 * rounds as the fixed-point kernels round (see {@link Requantization}) and clamps; concatenation
 * and the logistic round to their output grids ({@code FakeQuantWithMinMaxArgs}). On Google's COCO
 * detector, 139 of the interpreter's 140 detections on 14 test images come out bit for bit. Without
 * it, the same layers run in real values (float activations).
 *
 * <p>The post-processing becomes: box decoding (centre-size against the file's anchors, with its
 * y/x/h/w scales) and each anchor's best non-background class and score, in the graph; {@link
 * FastNms} then picks the boxes on the host. The feature extractor's layers are fetchable by
 * TF-slim name ({@code Conv2d_11_pointwise}, {@code Conv2d_13_pointwise}, ...). Stateless.
 */
public final class SsdGraphBuilder {
    /** The input placeholder, {@code [batch, resolution, resolution, 3]}. */
    public static final String INPUT = "normalized_input_image_tensor";

    public static final String BOXES = "detection/boxes";
    public static final String SCORES = "detection/scores";
    public static final String CLASSES = "detection/classes";

    private SsdGraphBuilder() {}

    /**
     * Whether the file is a TensorFlow Lite model ending in {@code TFLite_Detection_PostProcess}.
     */
    public static boolean isDetector(Path file) {
        try {
            ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
            if (!TfliteSchema.hasIdentifier(bytes)) {
                return false;
            }
            TfliteSchema.Model model = TfliteSchema.Model.root(bytes);
            for (int i = 0; i < model.operatorCodesLength(); i++) {
                if (PostProcessOptions.OPERATOR.equals(model.operatorCode(i).customCode())) {
                    return true;
                }
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false; // the loader reports what is wrong with the file
        }
    }

    /**
     * Builds the detector in {@code tf}'s graph.
     *
     * @param labels lines in the label file (0 when none), to tell whether it starts with the
     *     background
     * @throws ModelNotFoundException when the file does not exist
     * @throws MalformedModelException when it is not a detector this builder understands (the
     *     message names the operator or tensor)
     */
    public static ModelSignature build(Ops tf, Path file, boolean emulateQuantization, int labels)
            throws ModelNotFoundException, MalformedModelException {
        return build(tf, file, emulateQuantization, labels, false);
    }

    /**
     * As {@link #build(Ops, Path, boolean, int)}; with {@code bf16}, for oneDNN's bfloat16 rewrite,
     * a convolution over an odd number of channels takes one more channel of zeros (see {@link
     * EvenChannels}). Without it, the 1x1 convolutions run as MatMuls ({@link PointwiseMatMul}).
     */
    public static ModelSignature build(
            Ops tf, Path file, boolean emulateQuantization, int labels, boolean bf16)
            throws ModelNotFoundException, MalformedModelException {
        if (!Files.isRegularFile(file)) {
            throw new ModelNotFoundException("no TensorFlow Lite file at " + file);
        }
        ByteBuffer bytes;
        try {
            bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new MalformedModelException(file + ": cannot read: " + e.getMessage(), e);
        }
        if (!TfliteSchema.hasIdentifier(bytes)) {
            throw new MalformedModelException(
                    file + ": not a TensorFlow Lite flatbuffer (no TFL3 identifier)");
        }
        try {
            return new SsdTranslation(
                            tf, file, TfliteSchema.Model.root(bytes), emulateQuantization, bf16)
                    .run(labels);
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw new MalformedModelException(
                    file + ": cannot build the detector: " + e.getMessage(), e);
        }
    }
}
