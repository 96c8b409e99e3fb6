package io.ocellus.pipeline.config;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.ocellus.models.ModelException;
import io.ocellus.models.ModelNotFoundException;
import io.ocellus.models.inference.EngineOptions;
import io.ocellus.models.inference.InferenceEngine;
import io.ocellus.models.inference.Outputs;
import io.ocellus.models.inference.Precision;
import io.ocellus.models.inference.Preprocessing;
import io.ocellus.models.io.ModelLocator;
import io.ocellus.models.io.ModelSignature;
import io.ocellus.models.io.ModelSource;
import java.util.List;
import java.util.Locale;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;

/** The model: which file, which variant, how images are prepared for it and how it runs. */
public final class ModelOptions {
    private static final org.slf4j.Logger LOG =
            org.slf4j.LoggerFactory.getLogger(ModelOptions.class);

    public static final ConfigOption<String> PATH =
            key("ocellus.model.path")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "A .tflite file (a *_embedding_extractor.tflite pairs with its"
                                    + " *_head_layers.tflite), a frozen .pb, a SavedModel directory,"
                                    + " or a directory of released files. Unset: $OCELLUS_MODEL_DIR,"
                                    + " else ../shared/models/mobilenet_v1.");

    public static final ConfigOption<Double> ALPHA =
            key("ocellus.model.alpha")
                    .doubleType()
                    .noDefaultValue()
                    .withDescription(
                            "Width multiplier to pick from a directory: 1.0, 0.75, 0.5, 0.25;"
                                    + " a model found with another is refused.");

    public static final ConfigOption<Integer> RESOLUTION =
            key("ocellus.model.resolution")
                    .intType()
                    .noDefaultValue()
                    .withDescription(
                            "Input resolution: picks a file of that resolution from a directory,"
                                    + " else rebuilds a .tflite model at it (any size >= 32).");

    public static final ConfigOption<String> LABELS =
            key("ocellus.model.labels")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "Label file, one per line. Unset: imagenet_labels.txt beside the model.");

    public static final ConfigOption<String> PREPROCESSING =
            key("ocellus.model.preprocessing")
                    .stringType()
                    .defaultValue("center-crop")
                    .withDescription(
                            "center-crop (the central 87.5 percent, slim's evaluation) or stretch"
                                    + " (the whole image, as TFLite's label_image).");

    public static final ConfigOption<Integer> INTRA_OP_THREADS =
            key("ocellus.model.intra-op-threads")
                    .intType()
                    .defaultValue(0)
                    .withDescription(
                            "TensorFlow intra-op threads (0 = all cores, or 1 a stream with"
                                    + " several streams). TensorFlow keeps one such pool per"
                                    + " process, sized by the first model opened in it.");

    public static final ConfigOption<Integer> INTER_OP_THREADS =
            key("ocellus.model.inter-op-threads")
                    .intType()
                    .defaultValue(1)
                    .withDescription("TensorFlow inter-op threads.");

    public static final ConfigOption<Integer> STREAMS =
            key("ocellus.model.streams")
                    .intType()
                    .defaultValue(0)
                    .withDescription(
                            "Slices of a batch (at most 4 images each) run at once, each on one"
                                    + " thread: 0 = one stream per core when the intra-op threads"
                                    + " are 0, else 1; 1 = a batch runs whole over the intra-op"
                                    + " threads. README: streams.");

    public static final ConfigOption<Boolean> FLOAT_ACTIVATIONS =
            key("ocellus.model.float-activations")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "For quantized .tflite weights, run float activations instead of the"
                                    + " model's 8-bit grids.");

    public static final ConfigOption<String> PRECISION =
            key("ocellus.model.precision")
                    .stringType()
                    .defaultValue("fp32")
                    .withDescription(
                            "fp32, bf16 (oneDNN's bfloat16 rewrite: convolutions in bfloat16 with"
                                    + " float32 accumulation, on CPUs with AVX512_BF16 or AMX), int8"
                                    + " (a released 8-bit MobileNet as oneDNN int8 convolutions, on"
                                    + " CPUs with VNNI or AMX-INT8) or auto (bf16 where the CPU has"
                                    + " it). Without the hardware, or int8 for another model: fp32,"
                                    + " with a log line. README: precision.");

    public static final ConfigOption<Boolean> ENGINE_PER_SLOT =
            key("ocellus.model.engine-per-slot")
                    .booleanType()
                    .defaultValue(false)
                    .withDescription(
                            "One TensorFlow engine per parallel instance. By default the slots of a"
                                    + " TaskManager share one engine per model: one copy of the"
                                    + " weights and of the session's memory (README: engine"
                                    + " sharing).");

    private ModelOptions() {}

    /** Where the model's files are. */
    public static ModelSource source(ReadableConfig config) throws ModelException {
        return ModelLocator.locate(
                Settings.get(config, PATH),
                Settings.get(config, ALPHA),
                Settings.get(config, RESOLUTION),
                Settings.get(config, LABELS));
    }

    /** The pre-processing asked for. */
    public static Preprocessing preprocessing(ReadableConfig config) {
        return Settings.parsed(
                config, PREPROCESSING, Preprocessing::parse, "center-crop or stretch");
    }

    /** The precision asked for; bf16 or int8 where it cannot run says so in the log. */
    public static Precision precision(ReadableConfig config) {
        Precision precision =
                Settings.parsed(config, PRECISION, Precision::parse, "fp32, bf16, int8 or auto");
        if (precision != Precision.AUTO && precision.resolve() != precision) {
            LOG.warn(
                    "ocellus.model.precision = {}, but {}: running fp32",
                    precision.label(),
                    precision.whyNot());
        }
        return precision;
    }

    /** How the engine runs, warmed up on batches of the sizes in {@code warmUp}. */
    public static EngineOptions engineOptions(ReadableConfig config, List<Integer> warmUp) {
        return engineOptions(config, warmUp, null);
    }

    /**
     * As {@link #engineOptions(ReadableConfig, List)}, the warm-up asking for {@code outputs}
     * (null: every output the model has): the outputs a job's tasks will ask for.
     */
    public static EngineOptions engineOptions(
            ReadableConfig config, List<Integer> warmUp, Outputs outputs) {
        return EngineOptions.builder()
                .optIntraOpThreads(Settings.atLeast(config, INTRA_OP_THREADS, 0))
                .optInterOpThreads(Settings.atLeast(config, INTER_OP_THREADS, 0))
                .optStreams(Settings.atLeast(config, STREAMS, 0))
                .optPreprocessing(preprocessing(config))
                .optQuantizedActivations(!Settings.get(config, FLOAT_ACTIVATIONS))
                .optPrecision(precision(config))
                .optWarmUp(warmUp)
                .optWarmUpOutputs(outputs)
                .build();
    }

    /** Opens the engine and checks it is the variant asked for. */
    public static InferenceEngine open(ReadableConfig config, List<Integer> warmUp)
            throws ModelException {
        InferenceEngine engine =
                InferenceEngine.open(source(config), engineOptions(config, warmUp));
        ModelSignature signature = engine.signature();
        Double alpha = Settings.get(config, ALPHA);
        Integer resolution = Settings.get(config, RESOLUTION);
        if ((alpha != null && Math.abs(alpha - signature.alpha()) > 1e-6)
                || (resolution != null && resolution != signature.resolution())) {
            engine.close();
            throw new ModelNotFoundException(
                    String.format(
                            Locale.ROOT,
                            "the model found is %s, not alpha %s resolution %s",
                            signature.modelId(),
                            alpha,
                            resolution));
        }
        return engine;
    }

    /** A short description of the settings that change answers, for reports. */
    public static String describe(ReadableConfig config) {
        return preprocessing(config).cliName()
                + (Settings.get(config, FLOAT_ACTIVATIONS) ? ", float activations" : "")
                + ", "
                + precision(config).resolve().label();
    }
}
