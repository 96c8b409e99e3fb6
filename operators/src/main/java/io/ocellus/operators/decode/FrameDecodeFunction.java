package io.ocellus.operators.decode;

import io.ocellus.models.image.ImageDecoder;
import io.ocellus.models.image.ImageDecodingException;
import io.ocellus.models.image.ScaledJpegDecoder;
import io.ocellus.models.inference.InputSpec;
import io.ocellus.models.inference.RgbImage;
import io.ocellus.operators.DeadLetters;
import io.ocellus.schemas.ImageFrame;
import io.ocellus.schemas.ReasonCode;
import io.ocellus.schemas.Stage;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Fetches (for claim-checked frames) and decodes each {@link ImageFrame} into a {@link
 * DecodedFrame}. A frame that fails goes to {@link DeadLetters#TAG} with a reason code; it never
 * throws. Decode reasons: {@code EMPTY}, {@code UNSUPPORTED_FORMAT}, {@code TOO_LARGE} (pixels from
 * the header, or bytes), {@code UNDECODABLE}. Fetch reasons: {@code CLAIM_CHECK_NOT_ALLOWED},
 * {@code CLAIM_CHECK_MISSING}, {@code CLAIM_CHECK_TOO_LARGE}, {@code CLAIM_CHECK_MISMATCH}, {@code
 * CLAIM_CHECK_UNREADABLE}. Large JPEGs can be decoded scaled down in the DCT (libjpeg-turbo through
 * TensorFlow), several times cheaper than in full, when the network needs far fewer pixels.
 * Counters {@code decodeFailures} and {@code fetchFailures}.
 */
public class FrameDecodeFunction extends ProcessFunction<ImageFrame, DecodedFrame> {
    private static final long serialVersionUID = 1L;

    private final DecodeOptions options;

    private transient ScaledJpegDecoder scaler;
    private transient ImageDecoder decoder;
    private transient ClaimCheckFetcher fetcher;
    private transient DecodeDeadline deadline;
    private transient Counter decodeFailures;
    private transient Counter fetchFailures;

    public FrameDecodeFunction(DecodeOptions options) {
        this.options = options;
    }

    @Override
    public void open(OpenContext context) {
        decoder = new ImageDecoder(options.maxPixels());
        if (options.jpegMinSide() > 0) {
            scaler = new ScaledJpegDecoder();
            decoder = decoder.withJpegScaling(scaler, options.jpegMinSide());
        }
        fetcher = new ClaimCheckFetcher(options.maxImageBytes(), options.claimCheckRoots());
        deadline = new DecodeDeadline(options.maxDecodeMillis());
        decodeFailures = getRuntimeContext().getMetricGroup().counter("decodeFailures");
        fetchFailures = getRuntimeContext().getMetricGroup().counter("fetchFailures");
    }

    @Override
    public void processElement(ImageFrame frame, Context context, Collector<DecodedFrame> out) {
        long start = System.nanoTime();
        byte[] bytes = bytesOf(frame, context);
        if (bytes != null) {
            decode(frame, bytes, start, context, out);
        }
    }

    /**
     * The frame's encoded image, inline or fetched; null after a dead letter when there is none.
     */
    private byte[] bytesOf(ImageFrame frame, Context context) {
        ByteBuffer image = frame.getImage();
        if (image != null) {
            if (image.remaining() > options.maxImageBytes()) {
                reject(
                        context,
                        frame,
                        Stage.DECODE,
                        ReasonCode.TOO_LARGE,
                        String.format(
                                Locale.ROOT,
                                "image of %d bytes, over the limit of %d",
                                image.remaining(),
                                options.maxImageBytes()));
                return null;
            }
            byte[] bytes = new byte[image.remaining()];
            image.duplicate().get(bytes);
            return bytes;
        }
        if (frame.getClaimCheck() != null) {
            try {
                return fetcher.fetch(frame.getClaimCheck());
            } catch (ClaimCheckFetcher.FetchException e) {
                reject(context, frame, Stage.FETCH, e.reason(), e.getMessage());
                return null;
            }
        }
        reject(context, frame, Stage.DECODE, ReasonCode.EMPTY, "the frame carries no image");
        return null;
    }

    private void decode(
            ImageFrame frame,
            byte[] bytes,
            long start,
            Context context,
            Collector<DecodedFrame> out) {
        try {
            RgbImage pixels = deadline.call(() -> decoder.decode(bytes));
            long decoded = System.nanoTime();
            InputSpec input = options.input();
            DecodedFrame result =
                    input == null
                            ? new DecodedFrame(
                                    DeadLetters.ref(frame), pixels, (decoded - start) / 1000)
                            : new DecodedFrame(
                                    DeadLetters.ref(frame),
                                    input.apply(pixels),
                                    input.resolution(),
                                    (decoded - start) / 1000,
                                    (System.nanoTime() - decoded) / 1000);
            recordSourceSize(result, bytes, pixels);
            out.collect(result);
        } catch (ImageDecodingException e) {
            reject(context, frame, Stage.DECODE, DeadLetters.reasonOf(e.reason()), e.getMessage());
        } catch (TimeoutException e) {
            reject(
                    context,
                    frame,
                    Stage.DECODE,
                    ReasonCode.DECODE_TIMEOUT,
                    String.format(
                            Locale.ROOT,
                            "decoding %d bytes took longer than %d ms",
                            bytes.length,
                            options.maxDecodeMillis()));
        } catch (Exception e) { // nothing else is thrown by decode(); kept apart to be sure
            reject(context, frame, Stage.DECODE, ReasonCode.UNDECODABLE, String.valueOf(e));
        }
    }

    /**
     * The source's size when the frame no longer has it: a JPEG decoded scaled down keeps its
     * header's size (turned as EXIF turned the pixels), a pre-processed frame its pixels' size.
     */
    private static void recordSourceSize(DecodedFrame frame, byte[] bytes, RgbImage pixels) {
        int width = pixels.width();
        int height = pixels.height();
        int[] coded = ImageDecoder.jpegSize(bytes);
        if (coded != null) {
            boolean turned = (coded[0] > coded[1]) != (width > height);
            width = turned ? coded[1] : coded[0];
            height = turned ? coded[0] : coded[1];
        }
        if (width != frame.width || height != frame.height) {
            frame.sourceWidth = width;
            frame.sourceHeight = height;
        }
    }

    @Override
    public void close() {
        if (fetcher != null) {
            fetcher.close();
            fetcher = null;
        }
        if (deadline != null) {
            deadline.close(); // abandoned decodes may still use the scaler
            deadline = null;
        }
        if (scaler != null) {
            scaler.close();
            scaler = null;
        }
    }

    private void reject(
            Context context, ImageFrame frame, Stage stage, ReasonCode reason, String message) {
        (stage == Stage.FETCH ? fetchFailures : decodeFailures).inc();
        context.output(DeadLetters.TAG, DeadLetters.of(frame, stage, reason, message));
    }
}
