package io.ocellus.pipeline.config;

import static org.apache.flink.configuration.ConfigOptions.key;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

/**
 * The embedded local cluster the command line runs jobs on outside a Flink cluster. A real cluster
 * is configured in its own {@code config.yaml} (deploy/README.md: metrics).
 */
public final class LocalClusterOptions {
    /** The reporter's name in Flink's {@code metrics.reporter.<name>.*} keys. */
    public static final String REPORTER = "prom";

    public static final ConfigOption<Integer> METRICS_PORT =
            key("ocellus.local.metrics-port")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "Serve the embedded cluster's metrics for Prometheus on"
                                    + " http://127.0.0.1:PORT/metrics (Flink's Prometheus reporter,"
                                    + " bound to loopback). Unset: no reporter. A Flink cluster"
                                    + " configures its own in config.yaml.");

    private LocalClusterOptions() {}

    /** Flink's keys for the local cluster these settings ask for (a reporter, or none). */
    public static Configuration flinkSettings(ReadableConfig config) {
        Configuration flink = new Configuration();
        Integer port =
                Settings.checked(
                        config, METRICS_PORT, p -> p > 0 && p < 65536, "a TCP port, 1 to 65535");
        if (port != null) {
            String prefix = "metrics.reporter." + REPORTER + ".";
            flink.setString(
                    prefix + "factory.class",
                    "io.ocellus.pipeline.local.LoopbackPrometheusReporterFactory");
            flink.setString(prefix + "host", "127.0.0.1");
            flink.setString(prefix + "port", String.valueOf(port));
            // Label values as they are (model ids have dots, outputs dashes).
            flink.setString(prefix + "filterLabelValueCharacters", "false");
        }
        return flink;
    }
}
