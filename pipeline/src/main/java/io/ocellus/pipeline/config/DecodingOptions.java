package io.ocellus.pipeline.config;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.ocellus.models.image.ImageDecoder;
import io.ocellus.models.inference.InputSpec;
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
                            "URI prefixes claim-checked images may be fetched from"
                                    + " (file:///data/frames/, s3://bucket/frames/ with Flink's S3"
                                    + " plugin), separated by ';'; a claim check to an entry of a"
                                    + " local zip archive or plain tar (jar:file:/data/a.zip!/x.jpg,"
                                    + " tar:file:/data/b.tar!/x.jpg) needs the archive under one. Without one, claim-checked frames go to"
                                    + " dead letters (CLAIM_CHECK_NOT_ALLOWED).");

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
                Settings.get(config, CLAIM_CHECK_ROOTS),
                Settings.checked(
                                config,
                                TIMEOUT,
                                v -> !v.isNegative() && v.toMillis() > 0,
                                "a positive duration such as 5 s")
                        .toMillis(),
                input);
    }
}
