package io.ocellus.pipeline.cli;

import io.ocellus.pipeline.kafka.KafkaCodec;
import io.ocellus.schemas.serde.WireFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * Kafka client settings and the output topics' encoding, for every command that writes to Kafka.
 */
final class KafkaClientOptions {
    @Option(
            names = "--output-format",
            defaultValue = "single-object",
            converter = WireFormatConverter.class,
            description =
                    "Avro layout of the output topics: binary, single-object, or registry (schemas registered in the schema registry, its ids in the values; needs --registry-url). Default: ${DEFAULT-VALUE}.")
    WireFormat outputFormat;

    @Option(
            names = "--registry-url",
            paramLabel = "URL",
            description =
                    "Apicurio Registry's API root for the registry formats, e.g. http://registry:8080/apis/registry/v3. Further apicurio.registry.* settings (authentication, TLS) go in --kafka-property.")
    String registryUrl;

    @Option(
            names = "--kafka-properties-file",
            paramLabel = "FILE",
            description =
                    "Kafka client settings from a Java properties file, read where the job is built: the way to pass secrets (sasl.jaas.config, ssl.*.password), which then appear in no command line, Flink configuration or log. --kafka-property entries override it.")
    java.nio.file.Path kafkaPropertiesFile;

    @Option(
            names = "--kafka-property",
            paramLabel = "KEY=VALUE",
            description =
                    "A Kafka client setting passed through unchanged (SASL, SSL, ...); repeatable.")
    List<String> kafkaProperties = List.of();

    /** How the output topics' records are encoded. */
    KafkaCodec.Settings outputCodec() {
        return KafkaCodec.Settings.from(outputFormat, registryUrl, kafkaProperties());
    }

    Map<String, String> kafkaProperties() {
        Map<String, String> properties = new LinkedHashMap<>();
        if (kafkaPropertiesFile != null) {
            java.util.Properties file = new java.util.Properties();
            try (java.io.Reader in = java.nio.file.Files.newBufferedReader(kafkaPropertiesFile)) {
                file.load(in);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException(
                        "cannot read --kafka-properties-file " + kafkaPropertiesFile + ": " + e, e);
            }
            file.stringPropertyNames()
                    .forEach(key -> properties.put(key, file.getProperty(key).trim()));
        }
        for (String pair : kafkaProperties) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException(
                        "--kafka-property needs KEY=VALUE, got '" + pair + "'");
            }
            properties.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
        }
        return properties;
    }

    static final class WireFormatConverter
            implements picocli.CommandLine.ITypeConverter<WireFormat> {
        @Override
        public WireFormat convert(String value) {
            return WireFormat.parse(value);
        }
    }
}
