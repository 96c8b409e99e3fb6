package io.ocellus.operators.decode;

import io.ocellus.models.inference.RgbImage;
import io.ocellus.schemas.FrameRef;
import java.time.Instant;

/**
 * A frame after decoding: its reference and 8-bit RGB pixels. A Flink POJO (public fields, no-arg
 * constructor), so Flink serializes it without Kryo.
 */
public class DecodedFrame {
    public String sourceId;
    public String frameId;
    public long eventTime;
    public int width;
    public int height;

    /** {@code width * height * 3} bytes, R G B, rows top to bottom. */
    public byte[] rgb;

    /** Time spent decoding, in microseconds. */
    public long decodeMicros;

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

    public FrameRef ref() {
        return new FrameRef(sourceId, frameId, Instant.ofEpochMilli(eventTime));
    }

    public RgbImage image() {
        return new RgbImage(width, height, rgb);
    }
}
