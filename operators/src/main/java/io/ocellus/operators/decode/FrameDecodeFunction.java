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
 * DecodedFrame}. A frame that fails goes to {@link DeadLetters#TAG} with a reason code; what {@link
 * #processElement} throws is never the frame's fault. Decode reasons: {@code EMPTY}, {@code
 * UNSUPPORTED_FORMAT}, {@code TOO_LARGE} (pixels from the header, or bytes), {@code UNDECODABLE}.
 * Fetch reasons: {@code CLAIM_CHECK_NOT_ALLOWED}, {@code CLAIM_CHECK_MISSING}, {@code
 * CLAIM_CHECK_TOO_LARGE}, {@code CLAIM_CHECK_MISMATCH}, {@code CLAIM_CHECK_UNREADABLE}, {@code
 * CLAIM_CHECK_TIMEOUT}. Large JPEGs can be decoded scaled down in the DCT (libjpeg-turbo through
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
    private transient DecodeDeadline fetchDeadline;
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
        deadline = DecodeDeadline.forDecodes(options.maxDecodeMillis());
        fetchDeadline = DecodeDeadline.forFetches(options.maxFetchMillis());
        decodeFailures = getRuntimeContext().getMetricGroup().counter("decodeFailures");
        fetchFailures = getRuntimeContext().getMetricGroup().counter("fetchFailures");
    }

    /**
     * Emits the decoded frame or one dead letter. The frame's own faults end here; what is thrown
     * is not the frame's (a claim-check store that stops answering, an error of the operators
     * chained after this one, which {@code out.collect} runs) and fails the task, so that Flink
     * restores it and the frame is read again.
     */
    @Override
    public void processElement(ImageFrame frame, Context context, Collector<DecodedFrame> out)
            throws Exception {
        long start = System.nanoTime();
        byte[] bytes = bytesOf(frame, context);
        DecodedFrame result = bytes == null ? null : decode(frame, bytes, start, context);
        if (result != null) {
            out.collect(result); // outside every catch: a fault downstream is not this frame's
        }
    }

    /**
     * The frame's encoded image, inline or fetched; null after a dead letter when there is none.
     *
     * @throws DecodeDeadline.StalledException when earlier fetches are still blocked
     */
    private byte[] bytesOf(ImageFrame frame, Context context) throws Exception {
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
                return fetchDeadline.call(() -> fetcher.fetch(frame.getClaimCheck()));
            } catch (ClaimCheckFetcher.FetchException e) {
                reject(context, frame, Stage.FETCH, e.reason(), e.getMessage());
                return null;
            } catch (TimeoutException e) {
                reject(
                        context,
                        frame,
                        Stage.FETCH,
                        ReasonCode.CLAIM_CHECK_TIMEOUT,
                        String.format(
                                Locale.ROOT,
                                "%s was not read within %d ms",
                                frame.getClaimCheck().getUri(),
                                options.maxFetchMillis()));
                return null;
            }
        }
        reject(context, frame, Stage.DECODE, ReasonCode.EMPTY, "the frame carries no image");
        return null;
    }

    /** The decoded (and, when asked, pre-processed) frame; null after its dead letter. */
    private DecodedFrame decode(ImageFrame frame, byte[] bytes, long start, Context context) {
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
            return result;
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
        } catch (Exception e) { // the decoders' own failures on these bytes, whatever their type
            reject(context, frame, Stage.DECODE, ReasonCode.UNDECODABLE, String.valueOf(e));
        }
        return null;
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
        if (fetchDeadline != null) {
            fetchDeadline.close(); // interrupts abandoned fetches before their archives close
            fetchDeadline = null;
        }
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
