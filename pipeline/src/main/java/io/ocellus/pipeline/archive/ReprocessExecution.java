package io.ocellus.pipeline.archive;

import io.ocellus.pipeline.local.EnginePrestart;
import io.ocellus.pipeline.local.LocalFlink;
import io.ocellus.pipeline.workflow.WorkflowOptions;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.flink.api.common.BatchShuffleMode;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.BatchExecutionOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * How an archive job runs on Flink: the BATCH-mode environment it is given, its engines opened
 * while a local cluster starts, and the wait for its end with progress from its accumulators.
 */
final class ReprocessExecution {
    private ReprocessExecution() {}

    /** On the local cluster, the tasks' shared engines open while the cluster starts. */
    static EnginePrestart prestart(StreamExecutionEnvironment env, WorkflowOptions workflow) {
        return env instanceof LocalStreamEnvironment
                ? EnginePrestart.start(workflow.model(), workflow.detector())
                : EnginePrestart.NONE;
    }

    static ReprocessRun.Summary await(
            JobClient client, ArchivePlan plan, ReprocessRun.Listener listener, long start)
            throws Exception {
        CompletableFuture<JobExecutionResult> result = client.getJobExecutionResult();
        long firstSeen = -1;
        long firstCount = 0;
        while (!result.isDone()) {
            try {
                result.get(1, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                OptionalLong done = progress(client::getAccumulators);
                if (done.isEmpty()) {
                    continue;
                }
                if (firstSeen < 0 && done.getAsLong() > 0) {
                    firstSeen = System.nanoTime();
                    firstCount = done.getAsLong();
                }
                listener.progress(done.getAsLong());
            }
        }
        Map<String, Object> counts = result.get().getAllAccumulatorResults();
        long end = System.nanoTime();
        long total = done(counts);
        double steady = 0;
        if (firstSeen > 0 && total > firstCount) {
            // Scaled to all entries from those done after the first were seen.
            steady = (end - firstSeen) / 1e9 * total / (total - firstCount);
        }
        listener.progress(total);
        return new ReprocessRun.Summary(
                plan,
                ReprocessJob.results(counts),
                ReprocessJob.deadLetters(counts),
                (end - start) / 1e9,
                steady);
    }

    /**
     * The entries done so far, from the running job's accumulators; empty when the cluster cannot
     * say now. Progress is best effort: a local cluster shuts down as soon as its job ends, so a
     * poll between the job's end and the caller's next look at the result finds no cluster ({@code
     * IllegalStateException}), and that must not turn a finished run into a failed one.
     */
    static OptionalLong progress(Supplier<CompletableFuture<Map<String, Object>>> accumulators)
            throws InterruptedException {
        try {
            return OptionalLong.of(done(accumulators.get().get(10, TimeUnit.SECONDS)));
        } catch (ExecutionException | TimeoutException | IllegalStateException e) {
            return OptionalLong.empty();
        }
    }

    private static long done(Map<String, Object> accumulators) {
        return ReprocessJob.results(accumulators)
                + ReprocessJob.deadLetters(accumulators).values().stream()
                        .mapToLong(Long::longValue)
                        .sum();
    }

    static StreamExecutionEnvironment environment(Integer parallelism) {
        Configuration local = new Configuration();
        // Accumulators reach the client with TaskManager heartbeats: often enough for progress.
        local.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, Duration.ofSeconds(1));
        StreamExecutionEnvironment env = LocalFlink.environment(local);
        Configuration job = new Configuration();
        job.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        // Hybrid exchanges: frames kept in memory, spilled to disk only when the next stage lags.
        // Flink 2.2's adaptive batch scheduler creates a stage's tasks only once the stage before
        // it has finished (AdaptiveGraphManager), so the readers go first and decoding (chained
        // to inference) follows; running them together (the Default scheduler, one slot-sharing
        // group, hybrid or pipelined exchanges) was no faster on 2 cores and met FLINK-40660's
        // 30 s stall at a reader's close (README, reprocessing).
        job.set(
                ExecutionOptions.BATCH_SHUFFLE_MODE,
                BatchShuffleMode.ALL_EXCHANGES_HYBRID_SELECTIVE);
        // Every stage at the job's parallelism: the adaptive batch scheduler would size stages by
        // their bytes, one decoder for a folder of small JPEGs however long they take.
        job.set(BatchExecutionOptions.ADAPTIVE_AUTO_PARALLELISM_ENABLED, false);
        // A failure stops the run; running again into the same folder resumes it.
        job.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        env.configure(job);
        if (parallelism != null) {
            env.setParallelism(parallelism);
        } else if (env instanceof LocalStreamEnvironment) {
            env.setParallelism(Runtime.getRuntime().availableProcessors());
        }
        return env;
    }
}
