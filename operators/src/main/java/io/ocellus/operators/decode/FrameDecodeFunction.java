package io.ocellus.operators.decode;

import io.ocellus.models.image.ImageDecoder;
import io.ocellus.models.image.ImageDecodingException;
import io.ocellus.models.image.ScaledJpegDecoder;
import io.ocellus.operators.DeadLetters;
import io.ocellus.schemas.ImageFrame;
import io.ocellus.schemas.Stage;
import java.nio.ByteBuffer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Decodes each {@link ImageFrame} into a {@link DecodedFrame}. A frame that cannot be decoded goes
 * to {@link DeadLetters#TAG} with a reason code ({@code EMPTY}, {@code UNSUPPORTED_FORMAT}, {@code
 * TOO_LARGE}, {@code UNDECODABLE}, or {@code CLAIM_CHECK_NOT_SUPPORTED} for frames whose image is
 * stored elsewhere, which this version does not fetch yet); it never throws. The pixel limit is
 * checked from the header before any pixel is decoded. Large JPEGs can be decoded scaled down in
 * the DCT (libjpeg-turbo through TensorFlow), several times cheaper than in full, when the network
 * needs far fewer pixels. Counter {@code decodeFailures}.
 */
public class FrameDecodeFunction extends ProcessFunction<ImageFrame, DecodedFrame> {
    private static final long serialVersionUID = 1L;

    private final long maxPixels;
    private final int jpegMinSide;

    private transient ScaledJpegDecoder scaler;
    private transient ImageDecoder decoder;
    private transient Counter failures;

    /** A decoder refusing images of more than {@code maxPixels} pixels, decoding all in full. */
    public FrameDecodeFunction(long maxPixels) {
        this(maxPixels, 0);
    }

    /**
     * A decoder refusing images of more than {@code maxPixels} pixels that decodes JPEGs scaled
     * down in the DCT while their shorter side stays at least {@code jpegMinSide} (0: in full).
     */
    public FrameDecodeFunction(long maxPixels, int jpegMinSide) {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
        }
        if (jpegMinSide < 0) {
            throw new IllegalArgumentException("jpegMinSide must be 0 or more, got " + jpegMinSide);
        }
        this.maxPixels = maxPixels;
        this.jpegMinSide = jpegMinSide;
    }

    @Override
    public void open(OpenContext context) {
        decoder = new ImageDecoder(maxPixels);
        if (jpegMinSide > 0) {
            scaler = new ScaledJpegDecoder();
            decoder = decoder.withJpegScaling(scaler, jpegMinSide);
        }
        failures = getRuntimeContext().getMetricGroup().counter("decodeFailures");
    }

    @Override
    public void processElement(ImageFrame frame, Context context, Collector<DecodedFrame> out) {
        ByteBuffer image = frame.getImage();
        if (image == null) {
            boolean claimed = frame.getClaimCheck() != null;
            reject(
                    context,
                    frame,
                    claimed ? "CLAIM_CHECK_NOT_SUPPORTED" : "EMPTY",
                    claimed
                            ? "the image is stored at "
                                    + frame.getClaimCheck().getUri()
                                    + "; fetching claim-checked images is not supported yet"
                            : "the frame carries no image");
            return;
        }
        byte[] bytes = new byte[image.remaining()];
        image.duplicate().get(bytes);
        long start = System.nanoTime();
        try {
            DecodedFrame decoded =
                    new DecodedFrame(
                            DeadLetters.ref(frame),
                            decoder.decode(bytes),
                            (System.nanoTime() - start) / 1000);
            out.collect(decoded);
        } catch (ImageDecodingException e) {
            reject(context, frame, e.reason().name(), e.getMessage());
        }
    }

    @Override
    public void close() {
        if (scaler != null) {
            scaler.close();
            scaler = null;
        }
    }

    private void reject(Context context, ImageFrame frame, String reason, String message) {
        failures.inc();
        context.output(DeadLetters.TAG, DeadLetters.of(frame, Stage.DECODE, reason, message));
    }
}
