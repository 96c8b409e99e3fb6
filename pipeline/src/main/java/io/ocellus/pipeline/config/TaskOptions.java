package io.ocellus.pipeline.config;

import static org.apache.flink.configuration.ConfigOptions.key;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;

/** How the results of each task are shaped. */
public final class TaskOptions {
    public static final ConfigOption<Integer> TOP_K =
            key("ocellus.classify.top-k")
                    .intType()
                    .defaultValue(5)
                    .withDescription("Labels per classification.");

    public static final ConfigOption<Boolean> NORMALIZE_EMBEDDINGS =
            key("ocellus.embed.normalize")
                    .booleanType()
                    .defaultValue(true)
                    .withDescription(
                            "L2-normalise embeddings; false emits the pooled features as they are.");

    private TaskOptions() {}

    /** Labels per classification, checked. */
    public static int topK(ReadableConfig config) {
        return Settings.atLeast(config, TOP_K, 1);
    }
}
