package io.ocellus.operators.decode;

import io.ocellus.models.inference.RgbImage;
import io.ocellus.schemas.FrameRef;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;

/**
 * A frame after decoding: its reference and either its 8-bit RGB pixels or, when the decoding task
 * also pre-processed it, the model's input. A Flink POJO (public fields, no-arg constructor), so
 * Flink serializes it without Kryo.
 */
public class DecodedFrame {
    public String sourceId;
    public String frameId;
    public long eventTime;
    public int width;
    public int height;

    /**
     * {@code width * height * 3} bytes, R G B, rows top to bottom; null when {@link #input} is set.
     */
    public byte[] rgb;

    /**
     * The model's input, {@code resolution x resolution x 3} floats NHWC as float32 little-endian
     * bytes, or null. Bytes rather than a {@code float[]}: Flink copies a byte array between tasks
     * in bulk, a float array one value at a time.
     */
    public byte[] input;

    /** Time spent fetching and decoding, in microseconds. */
    public long decodeMicros;

    /** Time spent pre-processing in the decoding task, in microseconds (0 when not done there). */
    public long preprocessMicros;

    public DecodedFrame() {}

    public DecodedFrame(FrameRef ref, RgbImage image, long decodeMicros) {
        this.sourceId = ref.getSourceId();
        this.frameId = ref.getFrameId();
        this.eventTime = ref.getEventTime().toEpochMilli();
        this.width = image.width();
        this.height = image.height();
        this.rgb = image.pixels();
        this.decodeMicros = decodeMicros;
    }

    /** The frame pre-processed for a model: its input replaces the pixels. */
    public DecodedFrame(
            FrameRef ref, float[] input, int resolution, long decodeMicros, long preprocessMicros) {
        this.sourceId = ref.getSourceId();
        this.frameId = ref.getFrameId();
        this.eventTime = ref.getEventTime().toEpochMilli();
        this.width = resolution;
        this.height = resolution;
        ByteBuffer bytes = ByteBuffer.allocate(input.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(input);
        this.input = bytes.array();
        this.decodeMicros = decodeMicros;
        this.preprocessMicros = preprocessMicros;
    }

    /** Floats in {@link #input}. */
    public int inputSize() {
        return input == null ? 0 : input.length / 4;
    }

    /** Copies the model's input into {@code batch} at {@code offset}. */
    public void copyInput(float[] batch, int offset) {
        ByteBuffer.wrap(input)
                .order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer()
                .get(batch, offset, inputSize());
    }

    public FrameRef ref() {
        return new FrameRef(sourceId, frameId, Instant.ofEpochMilli(eventTime));
    }

    public RgbImage image() {
        return new RgbImage(width, height, rgb);
    }
}
