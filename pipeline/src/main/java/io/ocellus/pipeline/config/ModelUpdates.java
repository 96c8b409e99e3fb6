package io.ocellus.pipeline.config;

import io.ocellus.models.ModelException;
import io.ocellus.models.inference.EngineFactory;
import io.ocellus.models.inference.EngineOptions;
import io.ocellus.models.inference.Outputs;
import io.ocellus.models.inference.Predictor;
import io.ocellus.models.inference.PredictorFactory;
import io.ocellus.models.inference.SharedPredictorFactory;
import io.ocellus.operators.inference.ModelUpdate;
import io.ocellus.pipeline.workflow.WorkflowOptions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ReadableConfig;

/**
 * Reads the records of the model-updates topic ({@code ocellus.kafka.model-updates-topic}) into the
 * model they name, with the same typed options as the job's model.
 *
 * <p>A record is either a bare path or URI (one line), or lines of {@code key: value} (or {@code
 * key=value}) with {@code ocellus.model.*} keys and an optional {@code version} (a label results
 * carry as {@code model-id@version}); {@code #} starts a comment. One record is the whole update:
 * it must name {@code ocellus.model.path}, which clears the job's alpha, resolution and labels
 * (they described the old file), so a record holding only {@code version}, {@code alpha} or {@code
 * resolution} (a line of an update that a client sent as records of their own) is refused. Other
 * keys not named keep the job's values. A new {@code version} opens the file again, even when the
 * path is the one in use: the way to load new weights written over the old file. For example:
 *
 * <pre>
 * ocellus.model.path: /models/mobilenet_v1
 * ocellus.model.alpha: 0.5
 * ocellus.model.resolution: 160
 * version: 2026-12-01
 * </pre>
 *
 * @param base the job's {@code ocellus.model.*} settings
 * @param batchSize the batch size the new engine is warmed up on
 * @param outputs what the job asks the model for, which the new engine is warmed up on
 */
public record ModelUpdates(Map<String, String> base, int batchSize, Outputs outputs)
        implements ModelUpdate.Reader {
    private static final long serialVersionUID = 1L;

    static final String PREFIX = "ocellus.model.";
    static final String VERSION = "version";

    /** What a new path makes stale. */
    private static final Set<String> OF_THE_FILE =
            Set.of(
                    ModelOptions.ALPHA.key(),
                    ModelOptions.RESOLUTION.key(),
                    ModelOptions.LABELS.key());

    public ModelUpdates {
        base = Map.copyOf(base);
    }

    /** The reader for a job of {@code config}: its model settings are the base. */
    public static ModelUpdates of(Configuration config, int batchSize, Outputs outputs) {
        Map<String, String> model = new LinkedHashMap<>();
        config.toMap()
                .forEach(
                        (key, value) -> {
                            if (key.startsWith(PREFIX)) {
                                model.put(key, value);
                            }
                        });
        return new ModelUpdates(model, batchSize, outputs);
    }

    /** The workflow, reading model updates when {@code topic} is set. */
    public static WorkflowOptions workflow(
            ReadableConfig config, WorkflowOptions options, String topic) {
        if (topic == null) {
            return options;
        }
        if (options.model() == null) {
            throw new InvalidSettingException(
                    KafkaOptions.MODEL_UPDATES_TOPIC.key(),
                    topic,
                    "a task that uses the model (classifications, embeddings or features); the"
                            + " detector is not swapped");
        }
        if (options.geo() != null) {
            throw new InvalidSettingException(
                    KafkaOptions.MODEL_UPDATES_TOPIC.key(),
                    topic,
                    "no geo index: the index holds one model's embeddings (start a new job for a"
                            + " new model)");
        }
        return options.withModelUpdates(
                ModelUpdates.of(
                        Configuration.fromMap(config.toMap()),
                        BatchingOptions.size(config),
                        options.tasks().outputs()));
    }

    @Override
    public ModelUpdate read(String record) throws Exception {
        Map<String, String> update = parse(record);
        if (!update.containsKey(ModelOptions.PATH.key())) {
            throw new IllegalArgumentException(
                    "a model update is one record that names the whole model, its "
                            + ModelOptions.PATH.key()
                            + " first; this one names only "
                            + update.keySet()
                            + " (was an update sent one line per record? kcat -P sends each line"
                            + " of its standard input as a record of its own: give it a file)");
        }
        Configuration config = Configuration.fromMap(base);
        OF_THE_FILE.forEach(config::removeKey);
        String version = update.remove(VERSION);
        update.forEach(config::setString);
        OcellusOptions.checkKeys(config);
        EngineOptions options = ModelOptions.engineOptions(config, List.of(batchSize), outputs);
        PredictorFactory engine = new EngineFactory(ModelOptions.source(config), options);
        if (version != null) {
            engine = new Versioned(engine, version);
        }
        if (!Settings.get(config, ModelOptions.ENGINE_PER_SLOT)) {
            engine = new SharedPredictorFactory(engine);
        }
        return new ModelUpdate(engine, version, describe(config));
    }

    /**
     * A model with the version an update gave it: equal only for the same version, so that a shared
     * engine open for another version is not reused and a new version reads the file again.
     */
    record Versioned(PredictorFactory model, String version) implements PredictorFactory {
        private static final long serialVersionUID = 1L;

        @Override
        public Predictor open() throws ModelException {
            return model.open();
        }
    }

    /** The record's keys and values; a bare path is {@code ocellus.model.path}. */
    static Map<String, String> parse(String record) {
        Map<String, String> update = new LinkedHashMap<>();
        List<String> lines =
                record.lines()
                        .map(String::strip)
                        .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                        .toList();
        if (lines.size() == 1 && separator(lines.get(0)) < 0) {
            update.put(ModelOptions.PATH.key(), lines.get(0));
            return update;
        }
        for (String line : lines) {
            int cut = separator(line);
            if (cut < 0) {
                throw new IllegalArgumentException(
                        "a model update's line is 'key: value', got '" + line + "'");
            }
            String key = line.substring(0, cut).strip();
            String value = unquote(line.substring(cut + 1).strip());
            if (!key.startsWith(PREFIX) && !key.equals(VERSION)) {
                throw new IllegalArgumentException(
                        "a model update takes ocellus.model.* keys and version, got '" + key + "'");
            }
            if (update.put(key, value) != null) {
                throw new IllegalArgumentException("a model update names " + key + " twice");
            }
        }
        if (update.isEmpty()) {
            throw new IllegalArgumentException("a model update names no model");
        }
        return update;
    }

    /** Where a {@code key: value} or {@code key=value} line splits, or -1 for a bare value. */
    private static int separator(String line) {
        int equals = line.indexOf('=');
        int colon = line.indexOf(": ");
        if (colon < 0 && line.endsWith(":")) {
            colon = line.length() - 1;
        }
        if (equals < 0) {
            return colon;
        }
        return colon < 0 ? equals : Math.min(equals, colon);
    }

    private static String unquote(String value) {
        if (value.length() >= 2
                && (value.startsWith("\"") && value.endsWith("\"")
                        || value.startsWith("'") && value.endsWith("'"))) {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    private static String describe(Configuration config) {
        StringBuilder text =
                new StringBuilder(String.valueOf(Settings.get(config, ModelOptions.PATH)));
        for (var option : List.of(ModelOptions.ALPHA, ModelOptions.RESOLUTION)) {
            Object value = Settings.get(config, option);
            if (value != null) {
                text.append(", ")
                        .append(option.key().substring(PREFIX.length()))
                        .append(' ')
                        .append(value);
            }
        }
        return text.append(", ").append(ModelOptions.describe(config)).toString();
    }
}
