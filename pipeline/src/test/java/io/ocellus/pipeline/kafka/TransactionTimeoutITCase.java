package io.ocellus.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocellus.operators.batch.MicroBatchOptions;
import io.ocellus.operators.decode.DecodeOptions;
import io.ocellus.operators.inference.InferenceTasks;
import io.ocellus.pipeline.testutils.LogCapture;
import io.ocellus.pipeline.testutils.Samples;
import io.ocellus.pipeline.tools.EmbeddedKafkaBroker;
import io.ocellus.pipeline.workflow.WorkflowOptions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The exactly-once sinks' transaction timeout is the user's to set ({@code transaction.timeout.ms}
 * among the client settings), within what the broker allows: over the broker's {@code
 * transaction.max.timeout.ms} it is refused at start, and a checkpoint plus a restart that can
 * outlast it is warned about.
 */
class TransactionTimeoutITCase {
    @Test
    void aTimeoutOverTheBrokersLimitIsRefusedAtStartAndARiskyOneIsWarnedAbout() throws Exception {
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            assertThatThrownBy(
                            () ->
                                    KafkaPreflight.checkTransactions(
                                            options(kafka, "1000000"), 5_000, 60_000))
                    .isInstanceOf(KafkaPreflight.KafkaAccessException.class)
                    .hasMessageContaining("transaction.timeout.ms 1000000")
                    .hasMessageContaining("transaction.max.timeout.ms 900000");

            try (LogCapture log = LogCapture.start()) {
                KafkaPreflight.checkTransactions(options(kafka, "600000"), 5_000, 60_000);
                assertThat(log.text()).doesNotContain("can outlast");
                KafkaPreflight.checkTransactions(options(kafka, "60000"), 5_000, 60_000);
                assertThat(log.text()).contains("can outlast transaction.timeout.ms 60000");
            }
            assertThat(StreamJob.transactionTimeoutMs(options(kafka, "120000"))).isEqualTo(120_000);
        }
    }

    private static StreamJobOptions options(EmbeddedKafkaBroker kafka, String timeout)
            throws Exception {
        return StreamJobOptions.builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setInputTopic("frames")
                .setDeadLetterTopic("dead-letters")
                .setJobName("ocellus-tx-timeout")
                .setWorkflow(
                        new WorkflowOptions(
                                Samples.engine(0.25, 128),
                                new InferenceTasks(1, false, false, false),
                                new MicroBatchOptions(1, Duration.ofMillis(10)),
                                DecodeOptions.defaults()))
                .optClassificationsTopic("classifications")
                .optKafkaProperties(Map.of("transaction.timeout.ms", timeout))
                .build();
    }
}
