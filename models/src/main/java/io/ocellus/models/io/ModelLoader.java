package io.ocellus.models.io;

import io.ocellus.models.MalformedModelException;
import io.ocellus.models.ModelException;
import io.ocellus.models.ModelNotFoundException;
import io.ocellus.models.detection.SsdGraphBuilder;
import io.ocellus.models.inference.EvenChannels;
import io.ocellus.models.inference.Labels;
import io.ocellus.models.mobilenet.Int8MobileNetGraphBuilder;
import io.ocellus.models.mobilenet.MobileNetV1GraphBuilder;
import io.ocellus.models.mobilenet.MobileNetV1GraphBuilder.WeightMode;
import io.ocellus.models.weights.MobileNetV1Weights;
import io.ocellus.models.weights.TfliteWeightImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphDef;

/**
 * Opens a {@link ModelSource} in native memory. If loading fails half-way, whatever was opened is
 * closed before the exception leaves. Stateless and thread-safe.
 */
public final class ModelLoader {
    private static final org.slf4j.Logger LOG =
            org.slf4j.LoggerFactory.getLogger(ModelLoader.class);

    private ModelLoader() {}

    /**
     * Loads the model and opens a session with {@code config} (threads, graph rewrites). With
     * {@code emulateQuantization}, a quantized TensorFlow Lite model keeps its 8-bit activation
     * grids (see {@link MobileNetV1GraphBuilder#build(Ops, MobileNetV1Weights, WeightMode,
     * boolean)}).
     *
     * @throws ModelNotFoundException when a file is missing
     * @throws MalformedModelException when the files do not hold a MobileNet v1 that Ocellus
     *     understands
     */
    public static LoadedModel load(
            ModelSource source, ConfigProto config, boolean emulateQuantization)
            throws ModelException {
        return load(source, config, emulateQuantization, false);
    }

    /**
     * As {@link #load(ModelSource, ConfigProto, boolean)}; with {@code int8}, a released 8-bit
     * MobileNet classifier runs as an integer graph ({@link Int8MobileNetGraphBuilder}). Any other
     * model runs as without it, and the log says so.
     */
    public static LoadedModel load(
            ModelSource source, ConfigProto config, boolean emulateQuantization, boolean int8)
            throws ModelException {
        Labels labels = readLabels(source);
        boolean bf16 = EvenChannels.bf16(config);
        if (source.format() == ModelFormat.TFLITE
                && SsdGraphBuilder.isDetector(source.files().get(0))) {
            warnNoInt8(int8, source.files().get(0) + " is a detector");
            return fromDetector(source, config, labels, emulateQuantization, bf16);
        }
        if (source.format() != ModelFormat.TFLITE) {
            warnNoInt8(int8, source.files().get(0) + " is not an 8-bit TensorFlow Lite model");
        }
        return switch (source.format()) {
            case TFLITE -> {
                MobileNetV1Weights weights =
                        new TfliteWeightImporter().read(source.files(), source.resolution());
                if (int8 && weights.isQuantized()) {
                    yield fromInt8(weights, config, labels);
                }
                warnNoInt8(int8, weights.source() + " has float weights");
                yield fromWeights(weights, config, labels, emulateQuantization, bf16);
            }
            case FROZEN_GRAPH ->
                    checkResolution(
                            source,
                            fromFrozenGraph(source.files().get(0), fileConfig(config), labels));
            case SAVED_MODEL ->
                    checkResolution(
                            source,
                            SavedModels.load(source.files().get(0), fileConfig(config), labels));
        };
    }

    /**
     * The session configuration for a graph read from a file, whose convolutions over 3 channels
     * cannot be padded: without the bfloat16 rewrite where this CPU gets them wrong ({@link
     * EvenChannels#sound}).
     */
    private static ConfigProto fileConfig(ConfigProto config) {
        if (EvenChannels.bf16(config) && !EvenChannels.sound()) {
            LOG.warn(
                    "precision bf16 asked, but this CPU's bfloat16 convolutions over 3 channels are"
                            + " wrong and a graph read from a file cannot be padded: running fp32");
            return EvenChannels.withoutBf16(config);
        }
        return config;
    }

    private static void warnNoInt8(boolean int8, String why) {
        if (int8) {
            LOG.warn("precision int8 asked, but {}: running fp32", why);
        }
    }

    /** The integer graph of an 8-bit model (see {@link Int8MobileNetGraphBuilder}). */
    private static LoadedModel fromInt8(
            MobileNetV1Weights weights, ConfigProto config, Labels labels) throws ModelException {
        Graph graph = new Graph();
        try {
            Int8MobileNetGraphBuilder.build(Ops.create(graph), graph, weights);
            return new LoadedModel(
                    graph, new Session(graph, config), ModelSignature.slim(weights.spec()), labels);
        } catch (RuntimeException e) {
            graph.close();
            throw new MalformedModelException(
                    weights.source() + ": cannot build the int8 graph: " + e.getMessage(), e);
        }
    }

    /**
     * Builds an SSD detector from its TensorFlow Lite file (see {@link SsdGraphBuilder}); it runs
     * at the file's own resolution only, since its anchors are fixed to its feature maps.
     */
    private static LoadedModel fromDetector(
            ModelSource source,
            ConfigProto config,
            Labels labels,
            boolean emulateQuantization,
            boolean bf16)
            throws ModelException {
        Path file = source.files().get(0);
        Graph graph = new Graph();
        try {
            ModelSignature signature =
                    SsdGraphBuilder.build(
                            Ops.create(graph), file, emulateQuantization, labels.size(), bf16);
            if (source.resolution() != null && source.resolution() != signature.resolution()) {
                throw new MalformedModelException(
                        String.format(
                                "%s is a detector for %dx%d images and cannot run at %d: its"
                                        + " anchors are fixed to its feature maps",
                                file,
                                signature.resolution(),
                                signature.resolution(),
                                source.resolution()));
            }
            return new LoadedModel(graph, new Session(graph, config), signature, labels);
        } catch (ModelException e) {
            graph.close();
            throw e;
        } catch (RuntimeException e) {
            graph.close();
            throw new MalformedModelException(
                    file + ": cannot build the detector: " + e.getMessage(), e);
        }
    }

    /** Builds the network from imported weights as a constant (frozen) graph. */
    public static LoadedModel fromWeights(
            MobileNetV1Weights weights,
            ConfigProto config,
            Labels labels,
            boolean emulateQuantization)
            throws ModelException {
        return fromWeights(weights, config, labels, emulateQuantization, EvenChannels.bf16(config));
    }

    private static LoadedModel fromWeights(
            MobileNetV1Weights weights,
            ConfigProto config,
            Labels labels,
            boolean emulateQuantization,
            boolean bf16)
            throws ModelException {
        Graph graph = new Graph();
        try {
            MobileNetV1GraphBuilder.build(
                    Ops.create(graph), weights, WeightMode.CONSTANTS, emulateQuantization, bf16);
            return new LoadedModel(
                    graph,
                    new Session(graph, config),
                    signature(weights, emulateQuantization),
                    labels);
        } catch (RuntimeException e) {
            graph.close();
            throw new MalformedModelException(
                    weights.source() + ": cannot build the graph: " + e.getMessage(), e);
        }
    }

    /**
     * TF-slim's names; a quantized model's input range is its 8-bit grid, so that pixel level q
     * arrives as exactly {@code (q - zeroPoint) * scale}.
     */
    private static ModelSignature signature(MobileNetV1Weights weights, boolean emulate) {
        ModelSignature slim = ModelSignature.slim(weights.spec());
        float[] range = weights.inputRange();
        return range == null || !emulate ? slim : slim.withInputRange(range[0], range[1]);
    }

    private static LoadedModel fromFrozenGraph(Path file, ConfigProto config, Labels labels)
            throws ModelException {
        GraphDef graphDef;
        try {
            graphDef = GraphDef.parseFrom(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new MalformedModelException(file + ": not a GraphDef: " + e.getMessage(), e);
        }
        Graph graph = new Graph();
        try {
            graph.importGraphDef(graphDef);
            ModelSignature signature = FrozenGraphs.signature(file, graph);
            return new LoadedModel(graph, new Session(graph, config), signature, labels);
        } catch (ModelException e) {
            graph.close();
            throw e;
        } catch (IllegalArgumentException | TensorFlowException e) {
            graph.close();
            throw new MalformedModelException(file + ": cannot import: " + e.getMessage(), e);
        }
    }

    /** Frozen graphs and SavedModels have a fixed input size: refuse another one. */
    private static LoadedModel checkResolution(ModelSource source, LoadedModel model)
            throws MalformedModelException {
        Integer wanted = source.resolution();
        int actual = model.signature().resolution();
        if (wanted != null && wanted != actual) {
            model.close();
            throw new MalformedModelException(
                    String.format(
                            "%s takes %dx%d images and cannot run at %d; only TensorFlow Lite"
                                    + " weights are rebuilt at another resolution",
                            source.paths().get(0), actual, actual, wanted));
        }
        return model;
    }

    private static Labels readLabels(ModelSource source) throws ModelNotFoundException {
        if (source.labels() == null) {
            return Labels.none();
        }
        try {
            return Labels.read(Path.of(source.labels()));
        } catch (IOException e) {
            throw new ModelNotFoundException(
                    "cannot read labels " + source.labels() + ": " + e.getMessage());
        }
    }
}
