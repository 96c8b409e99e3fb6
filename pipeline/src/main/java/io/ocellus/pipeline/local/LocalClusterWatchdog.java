package io.ocellus.pipeline.local;

import java.lang.reflect.Field;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterJobClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the embedded cluster of a local job for the loss of its TaskManagers. Flink's MiniCluster
 * closes a TaskManager that meets a fatal error and keeps everything else up: the job then waits
 * for slots that never come, in a process that looks alive and does nothing. While the job is not
 * finished and the cluster has had no TaskManager for two polls in a row (2 s apart), the watchdog
 * hands a message naming the job to {@code onLost} (the command line ends the process with a
 * non-zero code, so that a supervisor starts it again and the job resumes from its last
 * checkpoint). Jobs on a real cluster are not watched: there a TaskManager that meets a fatal error
 * ends its own process and its supervisor starts a new one.
 */
public final class LocalClusterWatchdog {
    private static final Logger LOG = LoggerFactory.getLogger(LocalClusterWatchdog.class);

    static final long POLL_MILLIS = 2000;

    private LocalClusterWatchdog() {}

    /**
     * Starts watching {@code job} on a daemon thread, when it runs on an embedded cluster.
     *
     * @return whether it is watched (false for a job on a real cluster)
     */
    public static boolean watch(JobClient job, Consumer<String> onLost) {
        MiniCluster cluster = clusterOf(job);
        if (cluster == null) {
            return false;
        }
        Thread thread = new Thread(() -> poll(job, cluster, onLost), "ocellus-cluster-watchdog");
        thread.setDaemon(true);
        thread.start();
        return true;
    }

    private static void poll(JobClient job, MiniCluster cluster, Consumer<String> onLost) {
        int lost = 0;
        try {
            while (true) {
                Thread.sleep(POLL_MILLIS);
                JobStatus status = job.getJobStatus().get(10, TimeUnit.SECONDS);
                if (status.isGloballyTerminalState()) {
                    return;
                }
                int taskManagers =
                        cluster.requestClusterOverview()
                                .get(10, TimeUnit.SECONDS)
                                .getNumTaskManagersConnected();
                lost = taskManagers == 0 ? lost + 1 : 0;
                if (lost >= 2) {
                    onLost.accept(
                            String.format(
                                    Locale.ROOT,
                                    "the embedded Flink cluster has lost its TaskManager (a fatal"
                                            + " error, in the log above) while job %s is %s;"
                                            + " nothing would run any more",
                                    job.getJobID(),
                                    status));
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // The job ended and the cluster shut down with it: nothing left to watch.
            LOG.debug("stopped watching the embedded cluster: {}", e.toString());
        }
    }

    /** The embedded cluster a local job runs on, or null. */
    private static MiniCluster clusterOf(JobClient job) {
        if (!(job instanceof MiniClusterJobClient)) {
            return null;
        }
        try {
            // Flink keeps it private; the test of this class fails if a new version moves it.
            Field field = MiniClusterJobClient.class.getDeclaredField("miniCluster");
            field.setAccessible(true);
            return (MiniCluster) field.get(job);
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warn("cannot watch the embedded cluster for a lost TaskManager: {}", e.toString());
            return null;
        }
    }

    /**
     * For the command line: ends the process with exit code {@code code}, naming the cause, when
     * the job's embedded cluster is lost.
     */
    public static void exitWhenLost(JobClient job, String command, int code) {
        watch(
                job,
                message -> {
                    System.err.println(command + ": " + message + "; exiting (" + code + ")");
                    LOG.error("{}; exiting with {}", message, code);
                    Thread halt =
                            new Thread(
                                    () -> {
                                        try {
                                            Thread.sleep(15_000);
                                        } catch (InterruptedException e) {
                                            Thread.currentThread().interrupt();
                                        }
                                        Runtime.getRuntime().halt(code); // shutdown hooks hung
                                    });
                    halt.setDaemon(true);
                    halt.start();
                    System.exit(code);
                });
    }
}
