package io.ocellus.pipeline.kafka;

import io.ocellus.pipeline.internal.Secrets;
import io.ocellus.pipeline.workflow.WorkflowOptions;
import io.ocellus.schemas.serde.WireFormat;
import java.io.Serializable;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * The settings of the streaming job: Kafka in and out, and the workflow between.
 *
 * @param bootstrapServers the Kafka cluster
 * @param inputTopic where frames arrive
 * @param inputFormat how frames are laid out there
 * @param classificationsTopic where classifications go, or null when that task is off
 * @param embeddingsTopic where embeddings go, or null
 * @param featuresTopic where detection features go, or null
 * @param deadLetterTopic where frames that could not be processed go
 * @param outputFormat the wire format of every output topic
 * @param guarantee exactly-once (transactions committed on checkpoints) or at-least-once
 * @param jobName names the job and prefixes its transactional ids, so it must differ between jobs
 * @param kafkaProperties client settings passed through unchanged (SASL, SSL, ...); those starting
 *     {@code apicurio.registry.} go to the registry serdes instead
 * @param registryUrl the schema registry (Apicurio Registry v3 API root) for the {@code registry}
 *     formats, or null
 * @param bounded read up to the offsets at start, then finish (tests, backfills)
 * @param workflow model, tasks and batching
 * @param geoTopic where geo estimates go, or null (the workflow's geo stage must be on for any)
 * @param geoIndexUpdatesTopic a topic whose values are URIs of new geo index versions, swapped in
 *     while the job runs; null for none
 * @param detectionsTopic where the detector's boxes go, or null (the workflow's detector must be on
 *     for any)
 * @param modelUpdatesTopic a topic whose records name a new model, swapped in while the job runs
 *     (the workflow must read them: {@link WorkflowOptions#modelUpdates()}); null for none
 */
public record StreamJobOptions(
        String bootstrapServers,
        String inputTopic,
        InputFormat inputFormat,
        String classificationsTopic,
        String embeddingsTopic,
        String featuresTopic,
        String deadLetterTopic,
        WireFormat outputFormat,
        DeliveryGuarantee guarantee,
        String jobName,
        Map<String, String> kafkaProperties,
        String registryUrl,
        boolean bounded,
        WorkflowOptions workflow,
        String geoTopic,
        String geoIndexUpdatesTopic,
        String detectionsTopic,
        String modelUpdatesTopic)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public StreamJobOptions {
        require(bootstrapServers, "bootstrap servers");
        require(inputTopic, "input topic");
        require(deadLetterTopic, "dead-letter topic");
        require(jobName, "job name");
        if (inputFormat == null || outputFormat == null || guarantee == null || workflow == null) {
            throw new IllegalArgumentException(
                    "input format, output format, delivery guarantee and workflow must be set");
        }
        if (classificationsTopic == null
                && embeddingsTopic == null
                && featuresTopic == null
                && geoTopic == null
                && detectionsTopic == null) {
            throw new IllegalArgumentException(
                    "no output topic: set classifications, embeddings, features, detections or"
                            + " geo");
        }
        if (detectionsTopic != null && workflow.detector() == null) {
            throw new IllegalArgumentException("the detections topic needs a detector");
        }
        if ((geoTopic != null || geoIndexUpdatesTopic != null) && workflow.geo() == null) {
            throw new IllegalArgumentException("the geo topics need a geo index (--geo-index)");
        }
        if ((modelUpdatesTopic != null) != (workflow.modelUpdates() != null)) {
            throw new IllegalArgumentException(
                    "a model-updates topic goes with a workflow that reads model updates");
        }
        kafkaProperties = Map.copyOf(kafkaProperties);
        if (registryUrl == null
                && (inputFormat == InputFormat.AVRO_REGISTRY
                        || outputFormat == WireFormat.REGISTRY)) {
            throw new IllegalArgumentException(
                    "the registry formats need the schema registry's URL (--registry-url)");
        }
    }

    /** A builder: {@code set} the required parts, {@code opt} the rest. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Builder of {@link StreamJobOptions}. Required: bootstrap servers, input topic, dead-letter
     * topic, job name, workflow, and at least one output topic. Defaults: raw input, binary Avro
     * output, exactly-once, no extra client settings, unbounded.
     */
    public static final class Builder {
        private String bootstrapServers;
        private String inputTopic;
        private InputFormat inputFormat = InputFormat.RAW;
        private String classificationsTopic;
        private String embeddingsTopic;
        private String featuresTopic;
        private String deadLetterTopic;
        private WireFormat outputFormat = WireFormat.BINARY;
        private DeliveryGuarantee guarantee = DeliveryGuarantee.EXACTLY_ONCE;
        private String jobName;
        private Map<String, String> kafkaProperties = Map.of();
        private String registryUrl;
        private boolean bounded;
        private WorkflowOptions workflow;
        private String geoTopic;
        private String geoIndexUpdatesTopic;
        private String detectionsTopic;
        private String modelUpdatesTopic;

        private Builder() {}

        public Builder setBootstrapServers(String bootstrapServers) {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        public Builder setInputTopic(String inputTopic) {
            this.inputTopic = inputTopic;
            return this;
        }

        public Builder setDeadLetterTopic(String deadLetterTopic) {
            this.deadLetterTopic = deadLetterTopic;
            return this;
        }

        /** Names the job and prefixes its transactional ids: unique per job. */
        public Builder setJobName(String jobName) {
            this.jobName = jobName;
            return this;
        }

        public Builder setWorkflow(WorkflowOptions workflow) {
            this.workflow = workflow;
            return this;
        }

        public Builder optInputFormat(InputFormat inputFormat) {
            this.inputFormat = inputFormat;
            return this;
        }

        public Builder optClassificationsTopic(String topic) {
            this.classificationsTopic = topic;
            return this;
        }

        public Builder optEmbeddingsTopic(String topic) {
            this.embeddingsTopic = topic;
            return this;
        }

        public Builder optFeaturesTopic(String topic) {
            this.featuresTopic = topic;
            return this;
        }

        /** The detector's boxes; the workflow's detector must be on. */
        public Builder optDetectionsTopic(String topic) {
            this.detectionsTopic = topic;
            return this;
        }

        /** Geo estimates; the workflow's geo stage must be on. */
        public Builder optGeoTopic(String topic) {
            this.geoTopic = topic;
            return this;
        }

        /** A topic of URIs of new geo index versions, swapped in while the job runs. */
        public Builder optGeoIndexUpdatesTopic(String topic) {
            this.geoIndexUpdatesTopic = topic;
            return this;
        }

        /** A topic of records naming new models, swapped in while the job runs. */
        public Builder optModelUpdatesTopic(String topic) {
            this.modelUpdatesTopic = topic;
            return this;
        }

        public Builder optOutputFormat(WireFormat outputFormat) {
            this.outputFormat = outputFormat;
            return this;
        }

        public Builder optGuarantee(DeliveryGuarantee guarantee) {
            this.guarantee = guarantee;
            return this;
        }

        /** Client settings passed through (SASL, SSL, ...; {@code apicurio.registry.*}). */
        public Builder optKafkaProperties(Map<String, String> properties) {
            this.kafkaProperties = properties;
            return this;
        }

        public Builder optRegistryUrl(String registryUrl) {
            this.registryUrl = registryUrl;
            return this;
        }

        /** Read up to the offsets at start, then finish (tests, backfills). */
        public Builder optBounded(boolean bounded) {
            this.bounded = bounded;
            return this;
        }

        /**
         * Checks the settings.
         *
         * @throws IllegalArgumentException naming what is missing or inconsistent
         */
        public StreamJobOptions build() {
            return new StreamJobOptions(
                    bootstrapServers,
                    inputTopic,
                    inputFormat,
                    classificationsTopic,
                    embeddingsTopic,
                    featuresTopic,
                    deadLetterTopic,
                    outputFormat,
                    guarantee,
                    jobName,
                    kafkaProperties,
                    registryUrl,
                    bounded,
                    workflow,
                    geoTopic,
                    geoIndexUpdatesTopic,
                    detectionsTopic,
                    modelUpdatesTopic);
        }
    }

    /** Client settings whose values are secrets: never printed. */
    public static boolean isSecret(String key) {
        return Secrets.isSecretKey(key);
    }

    /** The settings with secret values masked, for logs and messages. */
    @Override
    public String toString() {
        Map<String, String> shown = new java.util.TreeMap<>();
        kafkaProperties.forEach((k, v) -> shown.put(k, Secrets.mask(k, v)));
        return "StreamJobOptions[bootstrapServers="
                + bootstrapServers
                + ", inputTopic="
                + inputTopic
                + ", inputFormat="
                + inputFormat
                + ", classificationsTopic="
                + classificationsTopic
                + ", embeddingsTopic="
                + embeddingsTopic
                + ", featuresTopic="
                + featuresTopic
                + ", detectionsTopic="
                + detectionsTopic
                + ", deadLetterTopic="
                + deadLetterTopic
                + ", geoIndexUpdatesTopic="
                + geoIndexUpdatesTopic
                + ", modelUpdatesTopic="
                + modelUpdatesTopic
                + ", outputFormat="
                + outputFormat
                + ", guarantee="
                + guarantee
                + ", jobName="
                + jobName
                + ", kafkaProperties="
                + shown
                + ", registryUrl="
                + Secrets.maskValue(registryUrl)
                + ", bounded="
                + bounded
                + "]";
    }

    /** The Kafka client settings, without the registry's. */
    public Map<String, String> clientProperties() {
        Map<String, String> client = new HashMap<>(kafkaProperties);
        client.keySet().removeIf(key -> key.startsWith(KafkaCodec.Settings.REGISTRY_PREFIX));
        return client;
    }

    /** How records in {@code format} are encoded and decoded. */
    public KafkaCodec.Settings codec(WireFormat format) {
        return KafkaCodec.Settings.from(format, registryUrl, kafkaProperties);
    }

    private static void require(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must be set");
        }
    }
}
