package io.ocellus.pipeline.config;

import static org.apache.flink.configuration.ConfigOptions.key;

import java.util.Locale;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * The streaming job as a whole: its name and delivery guarantee. Parallelism and checkpointing are
 * Flink's own settings ({@code parallelism.default}, {@code execution.checkpointing.*}), which the
 * jobs respect.
 */
public final class JobOptions {
    public static final ConfigOption<String> NAME =
            key("ocellus.job.name")
                    .stringType()
                    .defaultValue("ocellus-stream")
                    .withDescription(
                            "Names the streaming job, its consumer group and its transactional ids;"
                                    + " must differ between jobs.");

    public static final ConfigOption<String> DELIVERY_GUARANTEE =
            key("ocellus.job.delivery-guarantee")
                    .stringType()
                    .defaultValue("exactly-once")
                    .withDescription(
                            "exactly-once (Kafka transactions committed on checkpoints; results"
                                    + " appear about one checkpoint interval after their frames) or"
                                    + " at-least-once (no transactions).");

    public static final ConfigOption<Boolean> BOUNDED =
            key("ocellus.job.bounded")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription("Stop at the input offsets seen at start (backfills, tests).");

    private JobOptions() {}

    /** The delivery guarantee asked for. */
    public static DeliveryGuarantee guarantee(ReadableConfig config) {
        return Settings.parsed(
                config,
                DELIVERY_GUARANTEE,
                v ->
                        switch (v.strip().toLowerCase(Locale.ROOT).replace('_', '-')) {
                            case "exactly-once" -> DeliveryGuarantee.EXACTLY_ONCE;
                            case "at-least-once" -> DeliveryGuarantee.AT_LEAST_ONCE;
                            default -> throw new IllegalArgumentException(v);
                        },
                "exactly-once or at-least-once");
    }
}
