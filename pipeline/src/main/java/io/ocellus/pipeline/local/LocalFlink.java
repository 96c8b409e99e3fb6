package io.ocellus.pipeline.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The execution environment for the command line: inside {@code flink run} or a REST submission it
 * is the cluster's; run from a shell it is a local cluster in this JVM whose every endpoint binds
 * to 127.0.0.1 and whose temporary files go to one folder.
 */
public final class LocalFlink {
    private LocalFlink() {}

    /** Binds every endpoint of a local cluster (RPC, data, REST) to 127.0.0.1. */
    public static Configuration bindToLoopback(Configuration config) {
        for (String key :
                new String[] {
                    "jobmanager.bind-host",
                    "taskmanager.bind-host",
                    "taskmanager.host",
                    "rest.bind-address",
                    "rest.address"
                }) {
            config.setString(key, "127.0.0.1");
        }
        return config;
    }

    /** The configuration of a local cluster on loopback with its scratch files in one folder. */
    public static Configuration loopback() {
        Configuration config = bindToLoopback(new Configuration());
        // The job's health from outside: jobmanager_job_<state>State is 1 in the state it is in
        // (runningState 0 while it restarts or waits for a TaskManager), beside Flink's uptime.
        config.set(
                MetricOptions.JOB_STATUS_METRICS,
                List.of(
                        MetricOptions.JobStatusMetrics.STATE,
                        MetricOptions.JobStatusMetrics.CURRENT_TIME));
        try {
            Path tmp = Files.createTempDirectory("ocellus-flink-");
            Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(tmp)));
            config.setString("io.tmp.dirs", tmp.toString());
            config.setString("web.upload.dir", tmp.resolve("web-upload").toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder", e);
        }
        return config;
    }

    /**
     * Best effort at exit: the folder is in the system's temporary area anyway. JDK classes only:
     * inside {@code flink run} this runs after the job's class loader is closed.
     */
    private static void deleteQuietly(Path dir) {
        try (java.util.stream.Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException | RuntimeException e) {
            // left for the system to clean
        }
    }

    /** The cluster's environment when there is one, else a loopback local one. */
    public static StreamExecutionEnvironment environment() {
        return environment(new Configuration());
    }

    /**
     * The cluster's environment when there is one, else a loopback local one with {@code local}
     * added to its configuration (settings of the local cluster itself, such as heartbeats).
     */
    public static StreamExecutionEnvironment environment(Configuration local) {
        Configuration config = loopback();
        config.addAll(local);
        return StreamExecutionEnvironment.getExecutionEnvironment(config);
    }
}
