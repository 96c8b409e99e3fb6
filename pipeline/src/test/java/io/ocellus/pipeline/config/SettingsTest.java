package io.ocellus.pipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocellus.models.inference.InputSpec;
import io.ocellus.models.inference.Preprocessing;
import io.ocellus.operators.decode.DecodeOptions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;

/** Settings read from a Flink configuration: typed, defaulted, and refused with the key named. */
class SettingsTest {
    private static Configuration of(String... keyValues) {
        Configuration config = new Configuration();
        for (int i = 0; i < keyValues.length; i += 2) {
            config.setString(keyValues[i], keyValues[i + 1]);
        }
        return config;
    }

    @Test
    void defaultsComeFromTheOptions() {
        Configuration empty = new Configuration();
        assertThat(BatchingOptions.batching(empty).maxSize()).isEqualTo(8);
        assertThat(BatchingOptions.batching(empty).maxDelay()).isEqualTo(Duration.ofMillis(100));
        assertThat(JobOptions.guarantee(empty)).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        DecodeOptions decoding =
                DecodingOptions.decodeOptions(
                        empty, new InputSpec(224, Preprocessing.CENTER_CROP, -1f, 1f));
        assertThat(decoding.maxImageBytes()).isEqualTo(DecodeOptions.DEFAULT_MAX_IMAGE_BYTES);
        assertThat(decoding.maxDecodeMillis()).isEqualTo(5000);
        assertThat(decoding.jpegMinSide()).isEqualTo(224);
    }

    @Test
    void valuesAreWrittenTheFlinkWay() {
        Configuration config =
                of(
                        "ocellus.batching.max-delay", "250 ms",
                        "ocellus.decoding.max-image-size", "4 mb",
                        "ocellus.decoding.timeout", "2s",
                        "ocellus.decoding.jpeg-scaling", "false",
                        "ocellus.decoding.claim-check-roots", "file:///a/;'s3://b/x;y/'",
                        "ocellus.job.delivery-guarantee", "AT_LEAST_ONCE");
        DecodeOptions decoding =
                DecodingOptions.decodeOptions(
                        config, new InputSpec(160, Preprocessing.CENTER_CROP, -1f, 1f));
        assertThat(BatchingOptions.batching(config).maxDelay()).isEqualTo(Duration.ofMillis(250));
        assertThat(decoding.maxImageBytes()).isEqualTo(4 << 20);
        assertThat(decoding.maxDecodeMillis()).isEqualTo(2000);
        assertThat(decoding.jpegMinSide()).isZero();
        assertThat(decoding.claimCheckRoots()).containsExactly("file:///a/", "s3://b/x;y/");
        assertThat(JobOptions.guarantee(config)).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
    }

    @Test
    void aClaimCheckRootThatIsNoAbsoluteUriNorPathIsRefusedAtStart() {
        InputSpec input = new InputSpec(160, Preprocessing.CENTER_CROP, -1f, 1f);
        assertThatThrownBy(
                        () ->
                                DecodingOptions.decodeOptions(
                                        of("ocellus.decoding.claim-check-roots", "data/frames"),
                                        input))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("ocellus.decoding.claim-check-roots = \"data/frames\"")
                .hasMessageContaining("absolute");
        DecodeOptions plain =
                DecodingOptions.decodeOptions(
                        of(
                                "ocellus.decoding.claim-check-roots", "/data/frames",
                                "ocellus.decoding.fetch-timeout", "3 s"),
                        input);
        assertThat(plain.claimCheckRoots()).containsExactly("/data/frames");
        assertThat(plain.maxFetchMillis()).isEqualTo(3000);
    }

    @Test
    void aValueOfTheWrongTypeNamesKeyValueAndType() {
        assertThatThrownBy(() -> BatchingOptions.size(of("ocellus.batching.size", "eight")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessage(
                        "ocellus.batching.size = \"eight\": expected a value of type integer such"
                                + " as \"8\"");
    }

    @Test
    void aValueOutOfRangeNamesWhatWasExpected() {
        assertThatThrownBy(() -> BatchingOptions.size(of("ocellus.batching.size", "0")))
                .hasMessage("ocellus.batching.size = \"0\": expected an integer >= 1");
        assertThatThrownBy(() -> BatchingOptions.batching(of("ocellus.batching.max-delay", "0 ms")))
                .hasMessageContaining("ocellus.batching.max-delay = \"0 ms\"");
        assertThatThrownBy(() -> JobOptions.guarantee(of("ocellus.job.delivery-guarantee", "best")))
                .hasMessage(
                        "ocellus.job.delivery-guarantee = \"best\": expected exactly-once or"
                                + " at-least-once");
        assertThatThrownBy(
                        () -> GeoLocationOptions.estimator(of("ocellus.geo.weighting", "cosine")))
                .hasMessage("ocellus.geo.weighting = \"cosine\": expected softmax or similarity");
    }

    @Test
    void aMissingRequiredSettingIsNamed() {
        assertThatThrownBy(() -> Jobs.streamJob(of("ocellus.kafka.classifications-topic", "c")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("ocellus.kafka.bootstrap-servers is not set");
        assertThatThrownBy(() -> Jobs.streamJob(new Configuration()))
                .hasMessageContaining("an output topic");
    }

    @Test
    void aMisspeltKeyIsRefused() {
        assertThatThrownBy(() -> OcellusOptions.checkKeys(of("ocellus.batching.sise", "16")))
                .isInstanceOf(InvalidSettingException.class)
                .hasMessageStartingWith("ocellus.batching.sise = \"16\": expected no such setting");
        OcellusOptions.checkKeys(of("ocellus.batching.size", "16", "parallelism.default", "2"));
    }

    @Test
    void kafkaClientPropertiesAreOneKeyEach() {
        String jaas =
                "org.apache.kafka.common.security.plain.PlainLoginModule required a=\"b,c:d\";";
        Configuration config =
                of(
                        "ocellus.kafka.properties.sasl.jaas.config",
                        jaas,
                        "ocellus.kafka.properties.security.protocol",
                        "SASL_PLAINTEXT");
        OcellusOptions.checkKeys(config);
        assertThat(KafkaOptions.clientProperties(config))
                .isEqualTo(Map.of("sasl.jaas.config", jaas, "security.protocol", "SASL_PLAINTEXT"));
    }

    @Test
    void everySettingIsDocumentedWithATypeAndADescription() {
        assertThat(OcellusOptions.all()).hasSizeGreaterThan(40);
        for (OcellusOptions.Entry entry : OcellusOptions.all()) {
            assertThat(entry.key()).startsWith(OcellusOptions.PREFIX);
            assertThat(entry.description()).as(entry.key()).isNotBlank();
            assertThat(entry.type()).as(entry.key()).isNotBlank();
        }
        assertThat(OcellusOptions.find("ocellus.decoding.claim-check-roots").type())
                .isEqualTo("List of String");
    }

    @Test
    void flinkSettingsReachTheEnvironmentAndOcellusSettingsDoNot() {
        Configuration settings =
                of(
                        "execution.checkpointing.interval", "700 ms",
                        "parallelism.default", "3",
                        "ocellus.kafka.properties.sasl.jaas.config", "secret");
        StreamExecutionEnvironment env = Jobs.environment(settings);
        assertThat(env.getCheckpointInterval()).isEqualTo(700);
        assertThat(env.getParallelism()).isEqualTo(3);
        assertThat(env.getConfiguration().toMap())
                .doesNotContainKey("ocellus.kafka.properties.sasl.jaas.config");
        Configuration effective = Jobs.effective(env, settings);
        assertThat(effective.toMap())
                .containsEntry("ocellus.kafka.properties.sasl.jaas.config", "secret");
        assertThat(List.copyOf(effective.keySet())).contains("parallelism.default");
    }
}
