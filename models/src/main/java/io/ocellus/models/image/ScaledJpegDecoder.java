package io.ocellus.models.image;

import io.ocellus.models.image.ImageDecodingException.Reason;
import io.ocellus.models.inference.RgbImage;
import org.tensorflow.Graph;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.image.DecodeJpeg;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TString;
import org.tensorflow.types.TUint8;

/**
 * Decodes JPEGs at 1/2, 1/4 or 1/8 of their size with TensorFlow's {@code DecodeJpeg}:
 * libjpeg-turbo scales in the DCT, skipping most of the inverse transform and colour conversion,
 * which makes a 1080p frame bound for a 224-pixel network several times cheaper to decode than at
 * full size. Pixels are libjpeg's accurate integer IDCT ({@code INTEGER_ACCURATE}, ImageIO's too).
 * Truncated data is an error, never grey filler.
 *
 * <p>Owns a small TensorFlow graph and session: one per operator instance, closed with it.
 * Thread-safe.
 */
public final class ScaledJpegDecoder implements AutoCloseable {
    private static final long[] RATIOS = {1, 2, 4, 8};

    private static final RunOptions IN_CALLER_THREAD =
            RunOptions.newBuilder().setInterOpThreadPool(-1).build();

    private final Graph graph;
    private final Session session;
    private final String input;
    private final String[] outputs = new String[RATIOS.length];

    public ScaledJpegDecoder() {
        graph = new Graph();
        try {
            Ops tf = Ops.create(graph);
            Placeholder<TString> contents = tf.withName("contents").placeholder(TString.class);
            input = contents.op().name();
            for (int i = 0; i < RATIOS.length; i++) {
                outputs[i] =
                        tf.withName("decode_" + RATIOS[i])
                                .image
                                .decodeJpeg(
                                        contents,
                                        DecodeJpeg.channels(3L),
                                        DecodeJpeg.ratio(RATIOS[i]),
                                        DecodeJpeg.dctMethod("INTEGER_ACCURATE"),
                                        DecodeJpeg.tryRecoverTruncated(false))
                                .op()
                                .name();
            }
            // Default threads on purpose: TensorFlow sizes its intra- and inter-op thread pools
            // once
            // per process, from the first session opened. Asking for one thread here would leave
            // an engine opened later in the same JVM with one thread (measured: 2.2x slower).
            session = new Session(graph);
        } catch (RuntimeException | Error e) {
            graph.close();
            throw e;
        }
    }

    /**
     * The largest DCT scale divisor (1, 2, 4 or 8) that keeps the decoded image's shorter side at
     * least {@code minSide} pixels.
     */
    public static int ratioFor(int width, int height, int minSide) {
        int shorter = Math.min(width, height);
        for (int i = RATIOS.length - 1; i > 0; i--) {
            long ratio = RATIOS[i];
            // libjpeg rounds scaled sizes up
            if ((shorter + ratio - 1) / ratio >= minSide) {
                return (int) ratio;
            }
        }
        return 1;
    }

    /** Decodes a JPEG scaled down by {@code ratio} (1, 2, 4 or 8) into RGB, as coded (no EXIF). */
    public RgbImage decode(byte[] jpeg, int ratio) throws ImageDecodingException {
        int index = Long.numberOfTrailingZeros(ratio);
        if (ratio < 1 || Integer.bitCount(ratio) != 1 || index >= RATIOS.length) {
            throw new IllegalArgumentException("ratio must be 1, 2, 4 or 8, got " + ratio);
        }
        try (TString contents = TString.tensorOfBytes(NdArrays.scalarOfObject(jpeg));
                Result result = runner().feed(input, contents).fetch(outputs[index]).run()) {
            TUint8 pixels = (TUint8) result.get(0);
            Shape shape = pixels.shape();
            int height = (int) shape.get(0);
            int width = (int) shape.get(1);
            byte[] rgb = new byte[height * width * 3];
            pixels.asRawTensor().data().read(rgb);
            return new RgbImage(width, height, rgb);
        } catch (RuntimeException e) {
            // TensorFlow reports bad data as TFInvalidArgumentException, an
            // IllegalArgumentException
            throw new ImageDecodingException(
                    Reason.UNDECODABLE,
                    String.format(
                            "truncated or corrupt %d-byte JPEG: %s",
                            jpeg.length, e.getMessage().lines().findFirst().orElse("")),
                    e);
        }
    }

    /**
     * A run on the calling thread: one op, not worth handing to TensorFlow's inter-op pool, where
     * it would also queue behind an engine's work (720p decode-only 1.77 -> 1.65 ms).
     */
    private Session.Runner runner() {
        return session.runner().setOptions(IN_CALLER_THREAD);
    }

    @Override
    public void close() {
        session.close();
        graph.close();
    }
}
