package io.ocellus.models.testutils;

import io.ocellus.models.inference.RgbImage;
import io.ocellus.models.reference.TfliteInterpreter;
import java.nio.file.Path;

/**
 * The TensorFlow Lite interpreter classifying with a released file, or with a body and head pair
 * ({@code *_embedding_extractor.tflite} runs into the {@code *_head_layers.tflite} beside it) the
 * way the engine pairs them. Not thread-safe; close it.
 */
public final class TfliteClassifier implements AutoCloseable {
    private static final String BODY = "_embedding_extractor.tflite";

    private final TfliteInterpreter first;
    private final TfliteInterpreter head;

    public TfliteClassifier(Path model) {
        first = new TfliteInterpreter(model);
        String name = model.getFileName().toString();
        TfliteInterpreter second = null;
        if (name.endsWith(BODY)) {
            try {
                second =
                        new TfliteInterpreter(
                                model.resolveSibling(name.replace(BODY, "_head_layers.tflite")));
            } catch (RuntimeException e) {
                first.close();
                throw e;
            }
        }
        head = second;
    }

    /** Class probabilities for an image, pre-processed as label_image does. */
    public float[] classify(RgbImage image, int resolution) {
        if (head == null) {
            return first.classify(image, resolution);
        }
        byte[] pooled = first.run(TfliteInterpreter.quantizedInput(image, resolution));
        return head.dequantize(head.run(pooled));
    }

    @Override
    public void close() {
        first.close();
        if (head != null) {
            head.close();
        }
    }
}
