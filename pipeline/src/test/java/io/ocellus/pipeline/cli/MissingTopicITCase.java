package io.ocellus.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocellus.pipeline.testutils.LogCapture;
import io.ocellus.pipeline.testutils.Samples;
import io.ocellus.pipeline.tools.EmbeddedKafkaBroker;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A topic the job needs that does not exist stops {@code ocellus stream} at start, naming it, its
 * role and the cluster (before, the job failed over every two seconds for as long as it ran); a
 * control topic of several partitions is warned about.
 */
class MissingTopicITCase {
    @Test
    void aMissingTopicIsAnErrorAtStartNamingItAndTheCluster() throws Exception {
        Samples.engine(0.25, 128); // skips without weights
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            kafka.createTopics(1, List.of("frames", "results"));
            kafka.createTopics(3, List.of("model-updates"));
            CliRun missing =
                    CliRun.of(
                            "stream",
                            "--bootstrap-servers",
                            kafka.bootstrapServers(),
                            "--input-topic",
                            "lr-in",
                            "--classifications-topic",
                            "results",
                            "--dead-letter-topic",
                            "no-dead-letters",
                            "--alpha",
                            "0.25",
                            "--resolution",
                            "128");
            assertThat(missing.code()).isEqualTo(2);
            assertThat(missing.err())
                    .contains(
                            "has no topic 'no-dead-letters' (the dead-letter topic), 'lr-in' (the input topic)")
                    .contains(kafka.bootstrapServers());

            try (LogCapture log = LogCapture.start()) {
                CliRun control =
                        CliRun.of(
                                "stream",
                                "--bootstrap-servers",
                                kafka.bootstrapServers(),
                                "--input-topic",
                                "frames",
                                "--classifications-topic",
                                "results",
                                "--dead-letter-topic",
                                "gone",
                                "--model-updates-topic",
                                "model-updates",
                                "--alpha",
                                "0.25",
                                "--resolution",
                                "128");
                assertThat(control.code()).isEqualTo(2);
                assertThat(control.err()).contains("'gone' (the dead-letter topic)");
                assertThat(log.text())
                        .contains(
                                "model-updates (the control topic, the model-updates topic) has 3 partitions");
            }
        }
    }
}
