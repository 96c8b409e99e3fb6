package io.ocellus.operators.decode;

import io.ocellus.models.image.ImageDecoder;
import io.ocellus.models.inference.InputSpec;
import java.io.Serializable;
import java.util.List;

/**
 * How frames are fetched and decoded.
 *
 * @param maxPixels frames with more pixels are refused from their header (default 50 megapixels)
 * @param maxImageBytes frames whose encoded image is larger are refused, inline or fetched (default
 *     32 MiB); a claim-checked object is never read past this
 * @param jpegMinSide JPEGs are decoded scaled down in the DCT (by 2, 4 or 8) while their shorter
 *     side stays at least this many pixels, which should be the network's resolution or more; 0
 *     decodes every frame in full
 * @param claimCheckRoots the URI prefixes claim-checked images may be fetched from, such as {@code
 *     file:///data/frames/} or {@code s3://bucket/frames/} (any Flink file system); empty refuses
 *     every claim check, so a producer cannot make the job read arbitrary files
 * @param maxDecodeMillis a frame whose decoding takes longer is a dead letter ({@code
 *     DECODE_TIMEOUT}); default 5000
 * @param maxFetchMillis a claim-checked frame whose image is not read within this is a dead letter
 *     ({@code CLAIM_CHECK_TIMEOUT}); default 30000. While more fetches than that stay blocked, the
 *     storage is taken as down and the task fails (Flink restores it)
 * @param input when set, frames are also resized to the model's input in the decoding task (the
 *     inference task then only runs the model); null leaves pre-processing to the inference task
 */
public record DecodeOptions(
        long maxPixels,
        long maxImageBytes,
        int jpegMinSide,
        List<String> claimCheckRoots,
        long maxDecodeMillis,
        long maxFetchMillis,
        InputSpec input)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final long DEFAULT_MAX_IMAGE_BYTES = 32L << 20;
    public static final long DEFAULT_MAX_DECODE_MILLIS = 5000;
    public static final long DEFAULT_MAX_FETCH_MILLIS = 30_000;

    public DecodeOptions {
        if (maxPixels <= 0) {
            throw new IllegalArgumentException("maxPixels must be positive, got " + maxPixels);
        }
        if (maxImageBytes <= 0 || maxImageBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(
                    "maxImageBytes must be between 1 and 2 GiB, got " + maxImageBytes);
        }
        if (jpegMinSide < 0) {
            throw new IllegalArgumentException("jpegMinSide must be 0 or more, got " + jpegMinSide);
        }
        if (maxDecodeMillis <= 0) {
            throw new IllegalArgumentException(
                    "maxDecodeMillis must be positive, got " + maxDecodeMillis);
        }
        if (maxFetchMillis <= 0) {
            throw new IllegalArgumentException(
                    "maxFetchMillis must be positive, got " + maxFetchMillis);
        }
        claimCheckRoots = List.copyOf(claimCheckRoots);
        new ClaimCheckRoots(claimCheckRoots); // refuses a root that is not an absolute URI or path
    }

    /** 50 megapixels, 32 MiB, JPEGs decoded in full, no claim checks. */
    public static DecodeOptions defaults() {
        return new DecodeOptions(
                ImageDecoder.DEFAULT_MAX_PIXELS,
                DEFAULT_MAX_IMAGE_BYTES,
                0,
                List.of(),
                DEFAULT_MAX_DECODE_MILLIS,
                DEFAULT_MAX_FETCH_MILLIS,
                null);
    }

    public DecodeOptions withMaxPixels(long value) {
        return new DecodeOptions(
                value,
                maxImageBytes,
                jpegMinSide,
                claimCheckRoots,
                maxDecodeMillis,
                maxFetchMillis,
                input);
    }

    public DecodeOptions withMaxImageBytes(long value) {
        return new DecodeOptions(
                maxPixels,
                value,
                jpegMinSide,
                claimCheckRoots,
                maxDecodeMillis,
                maxFetchMillis,
                input);
    }

    public DecodeOptions withJpegMinSide(int value) {
        return new DecodeOptions(
                maxPixels,
                maxImageBytes,
                value,
                claimCheckRoots,
                maxDecodeMillis,
                maxFetchMillis,
                input);
    }

    public DecodeOptions withClaimCheckRoots(List<String> value) {
        return new DecodeOptions(
                maxPixels,
                maxImageBytes,
                jpegMinSide,
                value,
                maxDecodeMillis,
                maxFetchMillis,
                input);
    }

    public DecodeOptions withMaxDecodeMillis(long value) {
        return new DecodeOptions(
                maxPixels,
                maxImageBytes,
                jpegMinSide,
                claimCheckRoots,
                value,
                maxFetchMillis,
                input);
    }

    public DecodeOptions withMaxFetchMillis(long value) {
        return new DecodeOptions(
                maxPixels,
                maxImageBytes,
                jpegMinSide,
                claimCheckRoots,
                maxDecodeMillis,
                value,
                input);
    }

    public DecodeOptions withInput(InputSpec value) {
        return new DecodeOptions(
                maxPixels,
                maxImageBytes,
                jpegMinSide,
                claimCheckRoots,
                maxDecodeMillis,
                maxFetchMillis,
                value);
    }
}
