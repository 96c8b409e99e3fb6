package io.ocellus.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocellus.pipeline.config.BatchingOptions;
import io.ocellus.pipeline.config.DecodingOptions;
import io.ocellus.pipeline.config.KafkaOptions;
import io.ocellus.pipeline.config.OcellusOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.junit.jupiter.api.Test;

/** The command line's flags set the same settings as their keys, and nothing else declares them. */
class FlagsTest {
    private static final String[] REQUIRED = {
        "--bootstrap-servers", "127.0.0.1:1", "--input-topic", "in", "--dead-letter-topic", "dl"
    };

    @Test
    void flagsAndKeysGiveTheSameSettings() {
        Configuration byFlags =
                JobCommands.streamSettings(
                        "--batch-size",
                        "16",
                        "--batch-delay-ms",
                        "250",
                        "--no-jpeg-scaling",
                        "--claim-check-root",
                        "file:///a/",
                        "--claim-check-root",
                        "s3://b/x;y/",
                        "--kafka-property",
                        "security.protocol=SASL_SSL",
                        "--parallelism",
                        "2",
                        "--checkpoint-interval-ms",
                        "700");
        Configuration byKeys =
                JobCommands.streamSettings(
                        "-D", "ocellus.batching.size=16",
                        "-D", "ocellus.batching.max-delay=250ms",
                        "-D", "ocellus.decoding.jpeg-scaling=false",
                        "-D", "ocellus.decoding.claim-check-roots=file:///a/;'s3://b/x;y/'",
                        "-D", "ocellus.kafka.properties.security.protocol=SASL_SSL",
                        "-D", "parallelism.default=2",
                        "-D", "execution.checkpointing.interval=700ms");
        for (Configuration config : List.of(byFlags, byKeys)) {
            assertThat(BatchingOptions.batching(config).maxSize()).isEqualTo(16);
            assertThat(BatchingOptions.batching(config).maxDelay())
                    .isEqualTo(Duration.ofMillis(250));
            assertThat(config.get(DecodingOptions.JPEG_SCALING)).isFalse();
            assertThat(config.get(DecodingOptions.CLAIM_CHECK_ROOTS))
                    .containsExactly("file:///a/", "s3://b/x;y/");
            assertThat(KafkaOptions.clientProperties(config))
                    .isEqualTo(Map.of("security.protocol", "SASL_SSL"));
            assertThat(config.get(CoreOptions.DEFAULT_PARALLELISM)).isEqualTo(2);
            assertThat(config.get(CheckpointingOptions.CHECKPOINTING_INTERVAL))
                    .isEqualTo(Duration.ofMillis(700));
        }
    }

    @Test
    void aFlagWinsOverTheSameKeyAndUnsetFlagsLeaveDefaultsAlone() {
        Configuration config =
                JobCommands.streamSettings("-D", "ocellus.batching.size=4", "--batch-size", "12");
        assertThat(config.get(BatchingOptions.SIZE)).isEqualTo(12);
        assertThat(config.containsKey(BatchingOptions.MAX_DELAY.key())).isFalse();
        assertThat(config.containsKey(CheckpointingOptions.CHECKPOINTING_INTERVAL.key())).isFalse();
    }

    @Test
    void everyFlagSetsADocumentedSetting() {
        for (Flag flag : Flags.all()) {
            String key = flag.option().key();
            assertThat(
                            OcellusOptions.find(key) != null
                                    || key.equals(CoreOptions.DEFAULT_PARALLELISM.key())
                                    || key.equals(
                                            CheckpointingOptions.CHECKPOINTING_INTERVAL.key()))
                    .as(flag.name() + " sets " + key)
                    .isTrue();
        }
    }

    @Test
    void helpTextsArePlainTextWithTheirPlaceholdersFilled() {
        // Flink describes its own options with %s placeholders and the keys as elements.
        for (Flag flag : Flags.all()) {
            String help = String.join(" ", flag.spec().description());
            assertThat(help).as(flag.name()).doesNotContain("%s").doesNotContain("<br");
        }
        assertThat(String.join(" ", Flags.find("--checkpoint-interval-ms").spec().description()))
                .contains("execution.checkpointing.min-pause");
    }

    @Test
    void anInvalidValueIsAUsageErrorNamingKeyValueAndFlag() {
        String[] args = new String[REQUIRED.length + 5];
        args[0] = "stream";
        System.arraycopy(REQUIRED, 0, args, 1, REQUIRED.length);
        args[REQUIRED.length + 1] = "--classifications-topic";
        args[REQUIRED.length + 2] = "out";
        args[REQUIRED.length + 3] = "--batch-size";
        args[REQUIRED.length + 4] = "0";
        CliRun run = CliRun.of(args);
        assertThat(run.code()).isEqualTo(ExitCode.CANNOT_RUN.code());
        assertThat(run.err())
                .contains(
                        "ocellus.batching.size = \"0\": expected an integer >= 1 (flag"
                                + " --batch-size)");
        CliRun misspelt =
                CliRun.of(
                        "stream",
                        "-D",
                        "ocellus.batching.sise=16",
                        "--bootstrap-servers",
                        "127.0.0.1:1",
                        "--input-topic",
                        "in",
                        "--dead-letter-topic",
                        "dl",
                        "--classifications-topic",
                        "out");
        assertThat(misspelt.code()).isEqualTo(ExitCode.CANNOT_RUN.code());
        assertThat(misspelt.err()).contains("ocellus.batching.sise = \"16\"");
    }

    @Test
    void aMissingRequiredSettingNamesItsFlag() {
        CliRun run = CliRun.of("stream", "--input-topic", "in", "--classifications-topic", "c");
        assertThat(run.code()).isEqualTo(ExitCode.CANNOT_RUN.code());
        assertThat(run.err())
                .contains("ocellus.kafka.bootstrap-servers is not set")
                .contains("(flag --bootstrap-servers)");
    }

    @Test
    void theJobJarRefusesUnknownFlags() {
        assertThatThrownBy(() -> JobCommands.streamSettings("--batch-sise", "3"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--batch-sise");
    }
}
