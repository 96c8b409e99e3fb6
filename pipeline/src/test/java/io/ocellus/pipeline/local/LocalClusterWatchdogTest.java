package io.ocellus.pipeline.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/**
 * A local job whose TaskManager meets a fatal error (an operator that fails, then fails again as
 * Flink closes it: what the Kafka writer did) ends its process with the watchdog's code and a line
 * naming the cause, instead of a process left up with nothing running.
 */
class LocalClusterWatchdogTest {
    /** Fails at the 50th record, and again in close(). */
    static final class FailsTwice extends RichMapFunction<Long, Long> {
        private static final long serialVersionUID = 1L;

        @Override
        public void open(OpenContext context) {}

        @Override
        public Long map(Long value) {
            if (value == 50) {
                throw new IllegalStateException("the sink refused the record");
            }
            return value;
        }

        @Override
        public void close() {
            throw new IllegalStateException("the same error, again, from close()");
        }
    }

    /** Runs the failing job on a local cluster, watched; exits 70 when the cluster is lost. */
    public static final class Holder {
        public static void main(String[] args) throws Exception {
            Configuration config = new Configuration();
            config.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
            config.set(
                    RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS,
                    Integer.MAX_VALUE);
            config.set(
                    RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY,
                    Duration.ofSeconds(1));
            StreamExecutionEnvironment env = LocalFlink.environment(config);
            env.setParallelism(1);
            env.fromSequence(0, Long.MAX_VALUE)
                    .map(new FailsTwice())
                    .sinkTo(
                            new org.apache.flink.streaming.api.functions.sink.v2
                                    .DiscardingSink<>());
            JobClient job = env.executeAsync("ocellus-watchdog-test");
            LocalClusterWatchdog.exitWhenLost(job, "holder", 70);
            job.getJobExecutionResult().get();
        }
    }

    @Test
    void aLostTaskManagerEndsTheProcessNamingTheCause() throws Exception {
        Process holder =
                new ProcessBuilder(
                                List.of(
                                        ProcessHandle.current().info().command().orElse("java"),
                                        "-cp",
                                        System.getProperty("java.class.path"),
                                        Holder.class.getName()))
                        .redirectErrorStream(true)
                        .start();
        try {
            boolean ended = holder.waitFor(120, TimeUnit.SECONDS);
            String out = new String(holder.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(ended).as("the process ended by itself").isTrue();
            assertThat(holder.exitValue()).as(out).isEqualTo(70);
            assertThat(out).contains("holder: the embedded Flink cluster has lost its TaskManager");
        } finally {
            holder.destroyForcibly();
        }
    }
}
