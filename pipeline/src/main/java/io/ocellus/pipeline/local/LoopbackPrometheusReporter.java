package io.ocellus.pipeline.local;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import org.apache.flink.metrics.prometheus.AbstractPrometheusReporter;

/**
 * Flink's Prometheus reporter (the same metric names, labels and types as {@code
 * PrometheusReporterFactory} gives a cluster) serving {@code /metrics} on one host and port: the
 * embedded local cluster binds it to 127.0.0.1, where Flink's own binds every interface. Its
 * registry is the reporter's own, read once by reflection (Flink keeps it package-private).
 */
public final class LoopbackPrometheusReporter extends AbstractPrometheusReporter {
    private final HTTPServer server;

    public LoopbackPrometheusReporter(String host, int port) {
        try {
            Field field = AbstractPrometheusReporter.class.getDeclaredField("registry");
            field.setAccessible(true);
            CollectorRegistry registry = (CollectorRegistry) field.get(this);
            server = new HTTPServer(new InetSocketAddress(host, port), registry, true);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "cannot serve Prometheus metrics on " + host + ":" + port, e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this Flink's Prometheus reporter has no registry", e);
        }
        log.info("Prometheus metrics on http://{}:{}/metrics", host, server.getPort());
    }

    /** The port it serves on. */
    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.stop();
        super.close();
    }
}
