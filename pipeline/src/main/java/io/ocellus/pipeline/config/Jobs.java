package io.ocellus.pipeline.config;

import io.ocellus.models.ModelException;
import io.ocellus.models.inference.EngineFactory;
import io.ocellus.models.inference.InferenceEngine;
import io.ocellus.models.inference.InputSpec;
import io.ocellus.models.inference.Outputs;
import io.ocellus.models.inference.Predictor;
import io.ocellus.models.inference.PredictorFactory;
import io.ocellus.models.inference.SharedPredictorFactory;
import io.ocellus.models.io.ModelSource;
import io.ocellus.operators.decode.DecodeOptions;
import io.ocellus.operators.geo.GeoOptions;
import io.ocellus.operators.inference.InferenceFunction;
import io.ocellus.operators.inference.InferenceTasks;
import io.ocellus.pipeline.archive.ReprocessJob;
import io.ocellus.pipeline.archive.ReprocessRun;
import io.ocellus.pipeline.archive.RowFormat;
import io.ocellus.pipeline.internal.Secrets;
import io.ocellus.pipeline.kafka.KafkaPreflight;
import io.ocellus.pipeline.kafka.StreamJob;
import io.ocellus.pipeline.kafka.StreamJobOptions;
import io.ocellus.pipeline.local.LocalFlink;
import io.ocellus.pipeline.workflow.WorkflowOptions;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The jobs built from a configuration: what {@code ocellus stream} and {@code reprocess}, the job
 * jar's main classes and (through the same options) a SQL model run. Keys under {@code ocellus.}
 * are Ocellus's ({@link OcellusOptions}); the others are Flink's and go to the execution
 * environment.
 */
public final class Jobs {
    private static final Logger LOG = LoggerFactory.getLogger(Jobs.class);

    /**
     * A workflow with the model opened once to learn its input and id.
     *
     * @param options what the operators need
     * @param modelId the model's id, as results carry it
     * @param input the model's input
     */
    public record Workflow(WorkflowOptions options, String modelId, InputSpec input) {}

    private Jobs() {}

    /**
     * The workflow for the tasks asked for (geo turns embeddings on when an index is set); opens
     * the model once, without warm-up, to learn its input: the decoding tasks resize frames to it
     * and decode large JPEGs scaled down to just above it.
     */
    public static Workflow workflow(
            ReadableConfig config, boolean classify, boolean embed, boolean features)
            throws ModelException, IOException {
        return workflow(config, classify, embed, features, false);
    }

    /**
     * As {@link #workflow(ReadableConfig, boolean, boolean, boolean)}, with the detector of {@code
     * ocellus.detect.*} beside the model when {@code detect} is on (the model is not opened when no
     * other task needs it). With a detector, frames are decoded once, large JPEGs scaled down to
     * just above the larger of the two inputs, and each model resizes them in the inference task.
     */
    public static Workflow workflow(
            ReadableConfig config,
            boolean classify,
            boolean embed,
            boolean features,
            boolean detect)
            throws ModelException, IOException {
        OcellusOptions.checkKeys(config);
        int batchSize = BatchingOptions.size(config);
        boolean needsModel = classify || embed || features || GeoLocationOptions.enabled(config);
        boolean perSlot = Settings.get(config, ModelOptions.ENGINE_PER_SLOT);
        InferenceTasks tasks = tasks(config, classify, embed, features, detect);
        InputSpec input = null;
        String modelId = null;
        PredictorFactory engine = null;
        if (needsModel) {
            ModelSource source = ModelOptions.source(config);
            try (Predictor probe =
                    new EngineFactory(source, ModelOptions.engineOptions(config, List.of()))
                            .open()) {
                InferenceFunction.checkServes(probe.signature(), tasks);
                input = InputSpec.of(probe);
                modelId = probe.signature().modelId();
            }
            engine =
                    shared(
                            new EngineFactory(
                                    source,
                                    ModelOptions.engineOptions(
                                            config, List.of(batchSize), tasks.outputs())),
                            perSlot);
        }
        PredictorFactory detector = null;
        if (detect) {
            ModelSource source = DetectionOptions.source(config);
            Probed probed = probeDetector(config, source, input, modelId);
            input = probed.input();
            modelId = probed.modelId();
            detector =
                    shared(
                            new EngineFactory(
                                    source,
                                    ModelOptions.engineOptions(
                                            config,
                                            List.of(batchSize),
                                            Outputs.detections(tasks.detections()))),
                            perSlot);
        }
        GeoOptions geo = needsModel ? GeoLocationOptions.geo(config, modelId) : null;
        DecodeOptions decoding = DecodingOptions.decodeOptions(config, input);
        WorkflowOptions options =
                new WorkflowOptions(
                                engine,
                                tasks,
                                BatchingOptions.batching(config),
                                detect ? decoding.withInput(null) : decoding,
                                geo,
                                detector)
                        .withSeparateDecodeTask(
                                Settings.get(config, DecodingOptions.SEPARATE_TASK));
        return new Workflow(options, modelId, input);
    }

    private static InferenceTasks tasks(
            ReadableConfig config,
            boolean classify,
            boolean embed,
            boolean features,
            boolean detect) {
        return new InferenceTasks(
                classify ? TaskOptions.topK(config) : 0,
                embed || GeoLocationOptions.enabled(config),
                Settings.get(config, TaskOptions.NORMALIZE_EMBEDDINGS),
                features,
                detect ? DetectionOptions.query(config) : null);
    }

    /** The input decoded frames must cover and the id results carry. */
    private record Probed(InputSpec input, String modelId) {}

    /**
     * Opens the detector once, without warm-up, to check it is one and learn its input: the larger
     * of the two inputs (decoded JPEGs stay at least that large) and the classifier's id when there
     * is one.
     */
    private static Probed probeDetector(
            ReadableConfig config, ModelSource source, InputSpec input, String modelId)
            throws ModelException, IOException {
        try (InferenceEngine probe =
                DetectionOptions.check(
                        InferenceEngine.open(
                                source, ModelOptions.engineOptions(config, List.of())))) {
            InputSpec detectorInput = InputSpec.of(probe);
            InputSpec larger =
                    input == null || detectorInput.resolution() > input.resolution()
                            ? detectorInput
                            : input;
            return new Probed(larger, modelId == null ? probe.signature().modelId() : modelId);
        }
    }

    private static PredictorFactory shared(PredictorFactory factory, boolean perSlot) {
        return perSlot ? factory : new SharedPredictorFactory(factory);
    }

    /**
     * The execution environment: the cluster's inside {@code flink run}, else a loopback local one;
     * Flink's own keys of {@code settings} (parallelism, checkpointing, ...) applied, never
     * Ocellus's (they may hold secrets, and a job's configuration is shown in the web UI).
     */
    public static StreamExecutionEnvironment environment(ReadableConfig settings) {
        Configuration flink = LocalClusterOptions.flinkSettings(settings);
        settings.toMap()
                .forEach(
                        (key, value) -> {
                            if (!key.startsWith(OcellusOptions.PREFIX)) {
                                flink.setString(key, value);
                            }
                        });
        return LocalFlink.environment(flink);
    }

    /**
     * The settings a job runs with: the environment's configuration (a cluster's {@code
     * config.yaml}, {@code flink run -D}) with {@code settings} over it.
     */
    public static Configuration effective(StreamExecutionEnvironment env, ReadableConfig settings) {
        Configuration all = Configuration.fromMap(env.getConfiguration().toMap());
        all.addAll(Configuration.fromMap(settings.toMap()));
        return all;
    }

    /** The streaming job's options: the tasks are those whose topic is set. */
    public static StreamJobOptions streamJob(ReadableConfig config)
            throws ModelException, IOException {
        String classifications = Settings.get(config, KafkaOptions.CLASSIFICATIONS_TOPIC);
        String embeddings = Settings.get(config, KafkaOptions.EMBEDDINGS_TOPIC);
        String features = Settings.get(config, KafkaOptions.FEATURES_TOPIC);
        String geoTopic = Settings.get(config, KafkaOptions.GEO_TOPIC);
        String detections = Settings.get(config, KafkaOptions.DETECTIONS_TOPIC);
        if (classifications == null
                && embeddings == null
                && features == null
                && geoTopic == null
                && detections == null) {
            throw new InvalidSettingException(
                    KafkaOptions.CLASSIFICATIONS_TOPIC.key(),
                    null,
                    "an output topic: set one of the classifications, embeddings, features,"
                            + " detections or geo topics");
        }
        if (geoTopic != null && !GeoLocationOptions.enabled(config)) {
            throw new InvalidSettingException(
                    GeoLocationOptions.INDEX.key(), null, "a geo index for the geo topic");
        }
        String bootstrap = bootstrapServers(config);
        String input = Settings.required(config, KafkaOptions.INPUT_TOPIC, "the frames' topic");
        String deadLetters =
                Settings.required(
                        config, KafkaOptions.DEAD_LETTER_TOPIC, "the dead letters' topic");
        Workflow workflow =
                workflow(
                        config,
                        classifications != null,
                        embeddings != null,
                        features != null,
                        detections != null);
        log(config, workflow);
        String modelUpdates = Settings.get(config, KafkaOptions.MODEL_UPDATES_TOPIC);
        return kafkaJob(
                        config,
                        ModelUpdates.workflow(config, workflow.options(), modelUpdates),
                        bootstrap,
                        input,
                        deadLetters)
                .optModelUpdatesTopic(modelUpdates)
                .optClassificationsTopic(classifications)
                .optEmbeddingsTopic(embeddings)
                .optFeaturesTopic(features)
                .optDetectionsTopic(detections)
                .optGeoTopic(geoTopic)
                .optGeoIndexUpdatesTopic(Settings.get(config, KafkaOptions.GEO_INDEX_UPDATES_TOPIC))
                .optInputFormat(KafkaOptions.inputFormat(config))
                .optGuarantee(JobOptions.guarantee(config))
                .optBounded(Settings.get(config, JobOptions.BOUNDED))
                .build();
    }

    /**
     * Builds the streaming job of {@code settings} (over the environment's configuration) and runs
     * it until it ends (bounded) or is cancelled.
     */
    public static void runStream(ReadableConfig settings) throws Exception {
        StreamExecutionEnvironment env = environment(settings);
        env.execute(defineStream(env, settings));
    }

    /**
     * Builds the streaming job of {@code settings} and submits it without waiting: the handle
     * cancels it (a local cluster stops with its job).
     */
    public static JobClient startStream(ReadableConfig settings) throws Exception {
        StreamExecutionEnvironment env = environment(settings);
        return env.executeAsync(defineStream(env, settings));
    }

    /** Adds the streaming job to {@code env}, checkpointing as configured; returns its name. */
    private static String defineStream(StreamExecutionEnvironment env, ReadableConfig settings)
            throws ModelException, IOException {
        Configuration config = effective(env, settings);
        StreamJobOptions options = streamJob(config);
        KafkaPreflight.check(options);
        if (options.guarantee() == DeliveryGuarantee.EXACTLY_ONCE) {
            StreamJob.exactlyOnce(env, options, config);
        }
        StreamJob.define(env, options);
        return options.jobName();
    }

    /** The archive run of {@code config}, with the model's id. */
    public record Reprocess(ReprocessRun run, String modelId) {}

    /** Plans the archive job of {@code config} (not yet run). */
    public static Reprocess reprocess(ReadableConfig config) throws ModelException, IOException {
        List<String> tasks = Settings.get(config, ReprocessOptions.TASKS);
        for (String task : tasks) {
            if (!ReprocessOptions.TASK_NAMES.contains(task)) {
                throw new InvalidSettingException(
                        ReprocessOptions.TASKS.key(),
                        task,
                        "classify, embed, features, detect or geo");
            }
        }
        boolean geo = tasks.contains("geo") || GeoLocationOptions.enabled(config);
        if (geo && !GeoLocationOptions.enabled(config)) {
            throw new InvalidSettingException(
                    GeoLocationOptions.INDEX.key(), null, "a geo index for the geo task");
        }
        List<String> inputs =
                Settings.required(config, ReprocessOptions.INPUTS, "folders or archives to read");
        String output =
                Settings.required(config, ReprocessOptions.OUTPUT, "a results folder or kafka");
        boolean classify = tasks.contains("classify");
        boolean embed = tasks.contains("embed");
        boolean features = tasks.contains("features");
        boolean detect = tasks.contains("detect");
        String bootstrap = output.equals("kafka") ? bootstrapServers(config) : null;
        Workflow workflow = workflow(config, classify, embed, features, detect);
        String runId = ReprocessRun.newRunId();
        ReprocessRun.Builder builder =
                ReprocessRun.builder()
                        .setInputs(inputs)
                        .setWorkflow(workflow.options())
                        .setKinds(ReprocessJob.kinds(classify, embed, features, geo, detect))
                        .optParallelism(
                                config.getOptional(CoreOptions.DEFAULT_PARALLELISM).orElse(null))
                        .optRunId(runId);
        if (bootstrap != null) {
            StreamJobOptions kafka =
                    ReprocessOptions.kafkaOutput(
                            config, workflow.options(), bootstrap, runId, tasks, geo);
            KafkaPreflight.checkOutputs(kafka);
            builder.optKafka(
                    kafka, workflow.modelId(), Settings.get(config, ReprocessOptions.OVERWRITE));
        } else {
            builder.optResultsFolder(
                    output,
                    Settings.parsed(
                            config, ReprocessOptions.FORMAT, RowFormat::parse, "avro or jsonl"),
                    workflow.modelId(),
                    Settings.get(config, ReprocessOptions.OVERWRITE));
        }
        return new Reprocess(builder.build(), workflow.modelId());
    }

    private static String bootstrapServers(ReadableConfig config) {
        return Settings.required(
                config, KafkaOptions.BOOTSTRAP_SERVERS, "the Kafka cluster's host:port list");
    }

    /**
     * A Kafka job's options with the cluster, topics in and out, output format and client settings
     * of {@code config}; the caller adds the output topics and delivery.
     */
    public static StreamJobOptions.Builder kafkaJob(
            ReadableConfig config,
            WorkflowOptions workflow,
            String bootstrap,
            String input,
            String deadLetters) {
        return StreamJobOptions.builder()
                .setBootstrapServers(bootstrap)
                .setInputTopic(input)
                .setDeadLetterTopic(deadLetters)
                .setJobName(Settings.get(config, JobOptions.NAME))
                .setWorkflow(workflow)
                .optOutputFormat(KafkaOptions.outputFormat(config))
                .optKafkaProperties(KafkaOptions.clientProperties(config))
                .optRegistryUrl(Settings.get(config, KafkaOptions.REGISTRY_URL));
    }

    /** One line: the model, its input and engine sharing, and the settings, secrets masked. */
    private static void log(ReadableConfig config, Workflow workflow) {
        Map<String, String> shown = new TreeMap<>();
        config.toMap()
                .forEach(
                        (key, value) -> {
                            if (key.startsWith(OcellusOptions.PREFIX)) {
                                shown.put(key, Secrets.mask(key, value));
                            }
                        });
        LOG.info(
                "Ocellus stream job: model {} ({}x{} input, {}), {}; settings {}",
                workflow.modelId(),
                workflow.input().resolution(),
                workflow.input().resolution(),
                ModelOptions.describe(config),
                Settings.get(config, ModelOptions.ENGINE_PER_SLOT)
                        ? "one engine per slot"
                        : "one engine per TaskManager, shared by its slots",
                shown);
    }
}
