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

    /** The Kafka record's timestamp (epoch ms), or null. */
    public Long kafkaTimestamp;

    /** The W3C trace context of the input record, or null. */
    public String traceParent;

    public String traceState;

    public int width;
    public int height;

    /**
     * The source image's size in pixels (after EXIF orientation) when it was decoded smaller (a
     * JPEG scaled down in the DCT) or pre-processed; 0 when {@link #width} and {@link #height} are
     * it.
     */
    public int sourceWidth;

    public int sourceHeight;

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
        setRef(ref);
        this.width = image.width();
        this.height = image.height();
        this.rgb = image.pixels();
        this.decodeMicros = decodeMicros;
    }

    /** The frame pre-processed for a model: its input replaces the pixels. */
    public DecodedFrame(
            FrameRef ref, float[] input, int resolution, long decodeMicros, long preprocessMicros) {
        setRef(ref);
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

    private void setRef(FrameRef ref) {
        this.sourceId = ref.getSourceId();
        this.frameId = ref.getFrameId();
        this.eventTime = ref.getEventTime().toEpochMilli();
        this.kafkaTimestamp =
                ref.getKafkaTimestamp() == null ? null : ref.getKafkaTimestamp().toEpochMilli();
        this.traceParent = ref.getTraceParent();
        this.traceState = ref.getTraceState();
    }

    public FrameRef ref() {
        return new FrameRef(
                sourceId,
                frameId,
                Instant.ofEpochMilli(eventTime),
                kafkaTimestamp == null ? null : Instant.ofEpochMilli(kafkaTimestamp),
                traceParent,
                traceState);
    }

    public RgbImage image() {
        return new RgbImage(width, height, rgb);
    }
}
