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
        this(host, String.valueOf(port));
    }

    /**
     * Serves on the first free port of {@code ports}: one port ({@code 9249}) or a range ({@code
     * 9249-9259}), as Flink's reporter takes it, so that the processes of one machine (a JobManager
     * and TaskManagers) each find one.
     */
    public LoopbackPrometheusReporter(String host, String ports) {
        try {
            Field field = AbstractPrometheusReporter.class.getDeclaredField("registry");
            field.setAccessible(true);
            CollectorRegistry registry = (CollectorRegistry) field.get(this);
            server = serve(host, ports, registry);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this Flink's Prometheus reporter has no registry", e);
        }
        log.info("Prometheus metrics on http://{}:{}/metrics", host, server.getPort());
    }

    private static HTTPServer serve(String host, String ports, CollectorRegistry registry) {
        String[] range = ports.strip().split("-", 2);
        int first;
        int last;
        try {
            first = Integer.parseInt(range[0].strip());
            last = range.length == 1 ? first : Integer.parseInt(range[1].strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    "a Prometheus port is a number or a range such as 9249-9259, got " + ports);
        }
        IOException failure = null;
        for (int port = first; port <= last; port++) {
            try {
                return new HTTPServer(new InetSocketAddress(host, port), registry, true);
            } catch (IOException e) {
                failure = e;
            }
        }
        throw new UncheckedIOException(
                "cannot serve Prometheus metrics on " + host + ":" + ports, failure);
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
