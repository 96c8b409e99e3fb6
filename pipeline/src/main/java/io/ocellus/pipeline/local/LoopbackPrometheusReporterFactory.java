package io.ocellus.pipeline.local;

import java.util.Properties;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * {@code metrics.reporter.<name>.factory.class} of the {@link LoopbackPrometheusReporter}, found by
 * Flink through {@code META-INF/services}; options {@code host} (default 127.0.0.1) and {@code
 * port} (default 9249; a range such as 9249-9259 takes the first free one). A cluster loads it from
 * the {@code metrics-reporter} jar of this module on its class path ({@code
 * deploy/bin/flink-standalone} with {@code OCELLUS_METRICS_PORTS}).
 */
public final class LoopbackPrometheusReporterFactory implements MetricReporterFactory {
    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        MetricConfig config = new MetricConfig();
        config.putAll(properties);
        return new LoopbackPrometheusReporter(
                config.getString("host", "127.0.0.1"), config.getString("port", "9249"));
    }
}
