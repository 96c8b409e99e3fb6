package io.ocellus.pipeline.config;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.ocellus.models.image.ImageDecoder;
import io.ocellus.models.inference.InputSpec;
import io.ocellus.operators.decode.ClaimCheckRoots;
import io.ocellus.operators.decode.DecodeOptions;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.ReadableConfig;

/** Decoding frames: the limits that send a frame to dead letters, JPEG scaling, claim checks. */
public final class DecodingOptions {
    public static final ConfigOption<Long> MAX_PIXELS =
            key("ocellus.decoding.max-pixels")
                    .longType()
                    .defaultValue(ImageDecoder.DEFAULT_MAX_PIXELS)
                    .withDescription(
                            "Frames with more pixels go to dead letters, checked from the header.");

    public static final ConfigOption<MemorySize> MAX_IMAGE_SIZE =
            key("ocellus.decoding.max-image-size")
                    .memoryType()
                    .defaultValue(new MemorySize(DecodeOptions.DEFAULT_MAX_IMAGE_BYTES))
                    .withDescription(
                            "Frames whose encoded image is larger go to dead letters;"
                                    + " claim-checked objects are never read past it.");

    public static final ConfigOption<Duration> TIMEOUT =
            key("ocellus.decoding.timeout")
                    .durationType()
                    .defaultValue(Duration.ofMillis(DecodeOptions.DEFAULT_MAX_DECODE_MILLIS))
                    .withDescription(
                            "A frame whose decoding takes longer goes to dead letters"
                                    + " (DECODE_TIMEOUT); the job moves on.");

    public static final ConfigOption<Duration> FETCH_TIMEOUT =
            key("ocellus.decoding.fetch-timeout")
                    .durationType()
                    .defaultValue(Duration.ofMillis(DecodeOptions.DEFAULT_MAX_FETCH_MILLIS))
                    .withDescription(
                            "A claim-checked frame whose image is not read within this goes to"
                                    + " dead letters (CLAIM_CHECK_TIMEOUT); the job moves on. While"
                                    + " two such reads are still blocked, the store is taken as"
                                    + " down: the task fails and Flink restores it.");

    public static final ConfigOption<Boolean> JPEG_SCALING =
            key("ocellus.decoding.jpeg-scaling")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "Decode large JPEGs scaled down by 2, 4 or 8 in the DCT, keeping the"
                                    + " shorter side at least the network's input resolution;"
                                    + " false decodes every JPEG in full.");

    public static final ConfigOption<List<String>> CLAIM_CHECK_ROOTS =
            key("ocellus.decoding.claim-check-roots")
                    .stringType()
                    .asList()
                    .defaultValues()
                    .withDescription(
                            "Absolute URIs of the folders claim-checked images may be fetched from"
                                    + " (file:///data/frames/, s3://bucket/frames/ with Flink's S3"
                                    + " plugin; an absolute path /data/frames is taken as its file:"
                                    + " URI), separated by ';'; a claim check to an entry of a"
                                    + " local zip archive or plain tar (jar:file:/data/a.zip!/x.jpg,"
                                    + " tar:file:/data/b.tar!/x.jpg) needs the archive under one."
                                    + " Claim checks with dot segments, encoded separators, empty"
                                    + " segments or a query, and local files whose symbolic links"
                                    + " lead out of every root, are refused. Without a root,"
                                    + " claim-checked frames go to dead letters"
                                    + " (CLAIM_CHECK_NOT_ALLOWED).");

    public static final ConfigOption<Boolean> SEPARATE_TASK =
            key("ocellus.decoding.separate-task")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "Decode frames in a task of their own, which hands each frame's"
                                    + " model input (600 KB of floats at 224 pixels) to the"
                                    + " inference task through Flink's network stack. False, the"
                                    + " default, chains decoding and inference in one task: no copy"
                                    + " between them, and the slots of a TaskManager overlap one"
                                    + " another's decoding and forward passes (README, pipeline"
                                    + " speed).");

    private DecodingOptions() {}

    /** The decoding of frames for a model whose input is {@code input}. */
    public static DecodeOptions decodeOptions(ReadableConfig config, InputSpec input) {
        long maxBytes =
                Settings.checked(
                                config,
                                MAX_IMAGE_SIZE,
                                v -> v.getBytes() > 0 && v.getBytes() <= Integer.MAX_VALUE - 8,
                                "a size between 1 byte and 2 gb")
                        .getBytes();
        return new DecodeOptions(
                Settings.checked(config, MAX_PIXELS, v -> v > 0, "a positive number of pixels"),
                maxBytes,
                Settings.get(config, JPEG_SCALING) ? input.resolution() : 0,
                claimCheckRoots(config),
                positiveMillis(config, TIMEOUT),
                positiveMillis(config, FETCH_TIMEOUT),
                input);
    }

    /** The roots, each an absolute URI or an absolute path; refused at start otherwise. */
    private static List<String> claimCheckRoots(ReadableConfig config) {
        List<String> roots = Settings.get(config, CLAIM_CHECK_ROOTS);
        for (String root : roots) {
            try {
                ClaimCheckRoots.root(root);
            } catch (IllegalArgumentException e) {
                throw new InvalidSettingException(
                        CLAIM_CHECK_ROOTS.key(),
                        root,
                        "absolute URIs of folders (file:///data/frames/, s3://bucket/frames/) or"
                                + " absolute paths; "
                                + e.getMessage());
            }
        }
        return roots;
    }

    private static long positiveMillis(ReadableConfig config, ConfigOption<Duration> option) {
        return Settings.checked(
                        config,
                        option,
                        v -> !v.isNegative() && v.toMillis() > 0,
                        "a positive duration such as 5 s")
                .toMillis();
    }
}
