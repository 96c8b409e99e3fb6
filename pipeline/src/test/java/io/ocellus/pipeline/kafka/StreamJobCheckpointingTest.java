package io.ocellus.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** The job's checkpointing respects a configured interval and sets its own only without one. */
class StreamJobCheckpointingTest {
    private static StreamExecutionEnvironment environment(Long configuredMs) {
        Configuration configuration = new Configuration();
        if (configuredMs != null) {
            configuration.set(
                    CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(configuredMs));
        }
        return StreamExecutionEnvironment.getExecutionEnvironment(configuration);
    }

    @Test
    void keepsTheConfiguredInterval() {
        StreamExecutionEnvironment env = environment(1234L);
        StreamJob.checkpointing(env);
        assertThat(env.getCheckpointInterval()).isEqualTo(1234);
    }

    @Test
    void setsItsDefaultOnlyWhenNoneIsConfigured() {
        StreamExecutionEnvironment env = environment(null);
        assertThat(env.getCheckpointConfig().isCheckpointingEnabled()).isFalse();
        StreamJob.checkpointing(env);
        assertThat(env.getCheckpointInterval()).isEqualTo(StreamJob.DEFAULT_CHECKPOINT_INTERVAL_MS);
    }
}
