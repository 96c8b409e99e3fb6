package io.ocellus.pipeline.cli;

import io.ocellus.models.ModelException;
import io.ocellus.models.ModelNotFoundException;
import io.ocellus.models.inference.EngineOptions;
import io.ocellus.models.inference.InferenceEngine;
import io.ocellus.models.inference.Preprocessing;
import io.ocellus.models.io.ModelLocator;
import io.ocellus.models.io.ModelSignature;
import io.ocellus.models.io.ModelSource;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * The options every command that runs a model shares, except the label file, whose flag {@code
 * --labels} means the ground truth in {@code eval}: {@link ModelOptions} adds it for the other
 * commands, {@code eval} spells it {@code --model-labels}.
 */
public class ModelSettings {
    @Option(
            names = "--model",
            paramLabel = "FILE|DIR",
            description =
                    "A .tflite file (a *_embedding_extractor.tflite pairs with its *_head_layers.tflite),"
                            + " a frozen .pb, a SavedModel directory, or a directory of released files."
                            + " Default: $OCELLUS_MODEL_DIR, else ../shared/models/mobilenet_v1.")
    String model;

    @Option(
            names = "--alpha",
            description = "Width multiplier to pick from a directory: 1.0, 0.75, 0.5, 0.25.")
    Double alpha;

    @Option(
            names = "--resolution",
            description =
                    "Input resolution: picks a file of that resolution from a directory, else rebuilds a .tflite model at it (any size >= 32).")
    Integer resolution;

    /** The label file, or null for the one beside the model. */
    String labels;

    @Option(
            names = "--preprocess",
            defaultValue = "center-crop",
            converter = PreprocessingConverter.class,
            description =
                    "center-crop (central 87.5%%, slim's evaluation) or stretch (whole image, as TFLite's label_image). Default: ${DEFAULT-VALUE}.")
    Preprocessing preprocessing;

    @Option(
            names = "--threads",
            defaultValue = "0",
            description = "Intra-op threads (0 = all cores). Default: ${DEFAULT-VALUE}.")
    int threads;

    @Option(
            names = "--inter-op-threads",
            defaultValue = "1",
            description = "Inter-op threads. Default: ${DEFAULT-VALUE}.")
    int interOpThreads;

    @Option(
            names = "--float-activations",
            description =
                    "For quantized .tflite weights, run float activations instead of the model's 8-bit grids.")
    boolean floatActivations;

    ModelSource source() throws ModelException {
        return ModelLocator.locate(model, alpha, resolution, labels);
    }

    EngineOptions engineOptions(List<Integer> warmUp) {
        return EngineOptions.builder()
                .optIntraOpThreads(threads)
                .optInterOpThreads(interOpThreads)
                .optPreprocessing(preprocessing)
                .optQuantizedActivations(!floatActivations)
                .optWarmUp(warmUp)
                .build();
    }

    /** Opens the engine and checks it is the variant asked for. */
    public InferenceEngine open(List<Integer> warmUp) throws ModelException {
        InferenceEngine engine = InferenceEngine.open(source(), engineOptions(warmUp));
        ModelSignature signature = engine.signature();
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

    /**
     * A copy with one setting changed, named as its flag without the dashes ({@code
     * preprocess=stretch}, {@code float-activations=true}, {@code model=FILE}, {@code alpha=0.5},
     * {@code resolution=160}, {@code threads=2}).
     *
     * @throws IllegalArgumentException naming the key when it is not one of those
     */
    ModelSettings with(String key, String value) {
        ModelSettings copy = new ModelSettings();
        copy.model = model;
        copy.alpha = alpha;
        copy.resolution = resolution;
        copy.labels = labels;
        copy.preprocessing = preprocessing;
        copy.threads = threads;
        copy.interOpThreads = interOpThreads;
        copy.floatActivations = floatActivations;
        switch (key) {
            case "model" -> copy.model = value;
            case "alpha" -> copy.alpha = Double.valueOf(value);
            case "resolution" -> copy.resolution = Integer.valueOf(value);
            case "preprocess" -> copy.preprocessing = Preprocessing.parse(value);
            case "float-activations" -> copy.floatActivations = parseBoolean(key, value);
            case "threads" -> copy.threads = Integer.parseInt(value);
            default ->
                    throw new IllegalArgumentException(
                            "cannot compare on \""
                                    + key
                                    + "\": expected model, alpha, resolution, preprocess,"
                                    + " float-activations or threads");
        }
        return copy;
    }

    private static boolean parseBoolean(String key, String value) {
        if (!value.equals("true") && !value.equals("false")) {
            throw new IllegalArgumentException(key + " must be true or false, got " + value);
        }
        return Boolean.parseBoolean(value);
    }

    /** A short description of the settings that change answers, for reports. */
    String describe() {
        return preprocessing.cliName() + (floatActivations ? ", float activations" : "");
    }

    static final class PreprocessingConverter implements ITypeConverter<Preprocessing> {
        @Override
        public Preprocessing convert(String value) {
            return Preprocessing.parse(value);
        }
    }
}
