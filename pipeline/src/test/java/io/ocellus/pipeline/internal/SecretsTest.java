package io.ocellus.pipeline.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocellus.pipeline.config.InvalidSettingException;
import io.ocellus.pipeline.config.KafkaOptions;
import io.ocellus.pipeline.config.Settings;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

class SecretsTest {
    private static final String JAAS =
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\""
                    + " password=\"p4ss-w0rd\";";

    @Test
    void masksSecretEntriesOfMapSettingsAndKeepsTheRest() {
        for (String value :
                new String[] {
                    "sasl.jaas.config:" + JAAS + ",security.protocol:SASL_SSL",
                    "'sasl.jaas.config:" + JAAS + "',security.protocol:SASL_SSL",
                    "security.protocol:SASL_SSL,ssl.truststore.password:tr-pw,sasl.mechanism:PLAIN"
                }) {
            String shown = Secrets.mask("ocellus.kafka.properties", value);
            assertThat(shown)
                    .as(value)
                    .doesNotContain("p4ss-w0rd")
                    .doesNotContain("tr-pw")
                    .contains("security.protocol:SASL_SSL")
                    .contains(Secrets.MASK);
        }
    }

    @Test
    void masksUserInformationOfUrisAndWholeSecretSettings() {
        assertThat(Secrets.mask("ocellus.kafka.registry-url", "https://bob:s3cret@reg:8080/apis"))
                .isEqualTo("https://******@reg:8080/apis");
        assertThat(Secrets.mask("ocellus.kafka.registry-url", "http://127.0.0.1:8080/apis"))
                .isEqualTo("http://127.0.0.1:8080/apis");
        assertThat(Secrets.mask("ssl.keystore.password", "x")).isEqualTo(Secrets.MASK);
        assertThat(Secrets.maskValue("jdbc:x://h/db?user=u&password=pw1;other"))
                .doesNotContain("pw1");
    }

    @Test
    void aRefusedSettingNamesItsValueWithTheSecretsMasked() {
        Configuration config = new Configuration();
        config.setString(KafkaOptions.PROPERTIES.key(), "sasl.jaas.config:" + JAAS + ",broken");
        try {
            Settings.get(config, KafkaOptions.PROPERTIES);
        } catch (InvalidSettingException e) {
            assertThat(e.getMessage()).doesNotContain("p4ss-w0rd");
        }
        InvalidSettingException refused =
                new InvalidSettingException(
                        "ocellus.kafka.registry-url", "ftp://carol:pw2@reg/", "an http(s) URL");
        assertThat(refused.getMessage()).doesNotContain("pw2").contains("ftp://******@reg/");
    }
}
