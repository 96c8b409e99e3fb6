package io.ocellus.pipeline.config;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.ocellus.pipeline.kafka.InputFormat;
import io.ocellus.schemas.serde.WireFormat;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;

/** Kafka: the cluster, the topics in and out, their formats and the clients' own settings. */
public final class KafkaOptions {
    public static final ConfigOption<String> BOOTSTRAP_SERVERS =
            key("ocellus.kafka.bootstrap-servers")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("The Kafka cluster (host:port, comma-separated).");

    public static final ConfigOption<String> INPUT_TOPIC =
            key("ocellus.kafka.input-topic")
                    .stringType()
                    .noDefaultValue()
                    .withDescription("Where frames arrive (the streaming job).");

    public static final ConfigOption<String> INPUT_FORMAT =
            key("ocellus.kafka.input-format")
                    .stringType()
                    .defaultValue("raw")
                    .withDescription(
                            "raw (the value is the image; key = source id; headers frame-id,"
                                    + " content-type, event-time, latitude, longitude), avro-binary,"
                                    + " avro-single-object, or avro-registry (a schema registry's"
                                    + " layout: byte 0, 4-byte schema id, Avro body; needs the"
                                    + " registry URL).");

    public static final ConfigOption<String> CLASSIFICATIONS_TOPIC =
            key("ocellus.kafka.classifications-topic")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Where classifications go. The streaming job classifies only when it is"
                                    + " set; reprocess --output kafka writes its classify task"
                                    + " here, else to ocellus.classifications.");

    public static final ConfigOption<String> EMBEDDINGS_TOPIC =
            key("ocellus.kafka.embeddings-topic")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Where embeddings go; as for classifications (reprocess default"
                                    + " ocellus.embeddings).");

    public static final ConfigOption<String> FEATURES_TOPIC =
            key("ocellus.kafka.features-topic")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Where detection feature maps go; as for classifications (reprocess"
                                    + " default ocellus.features).");

    public static final ConfigOption<String> DETECTIONS_TOPIC =
            key("ocellus.kafka.detections-topic")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Where detected boxes go (Detections records; the detector of"
                                    + " ocellus.detect.model runs when it is set); as for"
                                    + " classifications (reprocess default ocellus.detections).");

    public static final ConfigOption<String> GEO_TOPIC =
            key("ocellus.kafka.geo-topic")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Where geo estimates go (GeoEstimate records); needs a geo index. As"
                                    + " for classifications (reprocess default ocellus.geo).");

    public static final ConfigOption<String> GEO_INDEX_UPDATES_TOPIC =
            key("ocellus.kafka.geo-index-updates-topic")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "A topic whose record values are URIs of new geo index versions: each"
                                    + " is loaded and replaces the index while the job runs (no"
                                    + " restart, no frame lost). Read from the job's committed"
                                    + " offsets, else from the end.");

    public static final ConfigOption<String> MODEL_UPDATES_TOPIC =
            key("ocellus.kafka.model-updates-topic")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "A topic whose records name a new model (a path or URI, or"
                                    + " ocellus.model.* lines and an optional version): each"
                                    + " TaskManager loads it, warms it up, checks it serves the"
                                    + " job's tasks and swaps it in between two batches (no"
                                    + " restart, no frame lost or doubled; refused ones keep the"
                                    + " current model). Read from the job's committed offsets,"
                                    + " else from the end. README: model swap.");

    public static final ConfigOption<String> DEAD_LETTER_TOPIC =
            key("ocellus.kafka.dead-letter-topic")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Where frames that cannot be processed go, with the reason (required by"
                                    + " the streaming job; reprocess default ocellus.dead-letters).");

    public static final ConfigOption<String> OUTPUT_FORMAT =
            key("ocellus.kafka.output-format")
                    .stringType()
                    .defaultValue("single-object")
                    .withDescription(
                            "Avro layout of the output topics: binary, single-object, or registry"
                                    + " (schemas registered in the schema registry, its ids in the"
                                    + " values; needs the registry URL).");

    public static final ConfigOption<String> REGISTRY_URL =
            key("ocellus.kafka.registry-url")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Apicurio Registry's API root for the registry formats, e.g."
                                    + " http://registry:8080/apis/registry/v3. Further"
                                    + " apicurio.registry.* settings (authentication, TLS) go in"
                                    + " the client properties.");

    public static final ConfigOption<Map<String, String>> PROPERTIES =
            key("ocellus.kafka.properties")
                    .mapType()
                    .defaultValue(Map.of())
                    .withDescription(
                            "Kafka client settings passed through unchanged (SASL, SSL, ...), one"
                                    + " key each: ocellus.kafka.properties.security.protocol:"
                                    + " SASL_SSL. Those the job must own (isolation.level on the"
                                    + " source, the sink's transaction timeout) override these with"
                                    + " a warning.");

    public static final ConfigOption<String> PROPERTIES_FILE =
            key("ocellus.kafka.properties-file")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Kafka client settings from a Java properties file, read where the job"
                                    + " is built: the way to pass secrets (sasl.jaas.config,"
                                    + " ssl.*.password), which then appear in no command line,"
                                    + " Flink configuration or log. ocellus.kafka.properties entries"
                                    + " override it.");

    private KafkaOptions() {}

    /** The input topics' layout. */
    public static InputFormat inputFormat(ReadableConfig config) {
        return Settings.parsed(
                config,
                INPUT_FORMAT,
                InputFormat::parse,
                "raw, avro-binary, avro-single-object or avro-registry");
    }

    /** The output topics' layout. */
    public static WireFormat outputFormat(ReadableConfig config) {
        return Settings.parsed(
                config, OUTPUT_FORMAT, WireFormat::parse, "binary, single-object or registry");
    }

    /** The client settings: the properties file's, then the configured ones over them. */
    public static Map<String, String> clientProperties(ReadableConfig config) {
        Map<String, String> properties = new LinkedHashMap<>();
        String file = Settings.get(config, PROPERTIES_FILE);
        if (file != null) {
            Properties loaded = new Properties();
            try (Reader in = Files.newBufferedReader(Path.of(file))) {
                loaded.load(in);
            } catch (IOException e) {
                throw new InvalidSettingException(
                        PROPERTIES_FILE.key(), file, "a readable properties file (" + e + ")");
            }
            loaded.stringPropertyNames()
                    .forEach(key -> properties.put(key, loaded.getProperty(key).trim()));
        }
        properties.putAll(Settings.get(config, PROPERTIES));
        return properties;
    }
}
