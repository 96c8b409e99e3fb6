package io.ocellus.pipeline.config;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.ocellus.operators.batch.MicroBatchOptions;
import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;

/** Micro-batching: frames per forward pass and how long a frame waits for its batch. */
public final class BatchingOptions {
    public static final ConfigOption<Integer> SIZE =
            key("ocellus.batching.size")
                    .intType()
                    .defaultValue(8)
                    .withDescription("Frames per forward pass.");

    public static final ConfigOption<Duration> MAX_DELAY =
            key("ocellus.batching.max-delay")
                    .durationType()
                    .defaultValue(Duration.ofMillis(100))
                    .withDescription("Longest a frame waits for its batch to fill.");

    private BatchingOptions() {}

    /** Frames per forward pass, checked. */
    public static int size(ReadableConfig config) {
        return Settings.atLeast(config, SIZE, 1);
    }

    /** The micro-batching asked for. */
    public static MicroBatchOptions batching(ReadableConfig config) {
        return new MicroBatchOptions(
                size(config),
                Settings.checked(
                        config,
                        MAX_DELAY,
                        v -> !v.isNegative() && !v.isZero(),
                        "a positive duration such as 100 ms"));
    }
}
