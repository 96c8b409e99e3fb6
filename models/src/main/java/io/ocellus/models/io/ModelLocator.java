package io.ocellus.models.io;

import io.ocellus.models.ModelNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Turns what a user names ({@code --model}, {@code OCELLUS_MODEL_DIR}, or nothing) into a {@link
 * ModelSource}.
 *
 * <p>The model is looked for, in order: the given path; the environment variable {@value
 * #MODEL_DIR_ENV}; the system property {@value #MODEL_DIR_PROPERTY}; {@code
 * ../shared/models/mobilenet_v1} when it exists. A directory may hold a SavedModel ({@code
 * saved_model.pb}) or TensorFlow Lite and frozen-graph files named like the released ones ({@code
 * mobilenet_v1_0.5_160_quant.tflite}, {@code mobilenet_v1_1.0_224_frozen.pb}). {@code alpha} picks
 * among them; {@code resolution} prefers a file of that resolution and otherwise rebuilds a
 * TensorFlow Lite model at it. Without either, 1.0_224 (else the widest and largest) is taken. A
 * body file ({@code *_embedding_extractor.tflite}) is paired with its head ({@code
 * *_head_layers.tflite}). Labels come from {@code imagenet_labels.txt} or {@code labels.txt} in the
 * model's folder or its parent. Stateless.
 */
public final class ModelLocator {
    public static final String MODEL_DIR_ENV = "OCELLUS_MODEL_DIR";
    public static final String MODEL_DIR_PROPERTY = "ocellus.model.dir";
    public static final Path SHARED_MODELS = Path.of("..", "shared", "models", "mobilenet_v1");

    public static final String DETECTOR_DIR_ENV = "OCELLUS_DETECTOR_DIR";
    public static final String DETECTOR_DIR_PROPERTY = "ocellus.detector.dir";
    public static final Path SHARED_DETECTOR =
            Path.of("..", "shared", "models", "ssd_mobilenet_v1_coco");

    /** How to get weights, for the error when none are found. */
    public static final String HOW_TO_GET_WEIGHTS =
            "Ocellus needs MobileNet v1 weights; none are shipped with it. Pass --model FILE|DIR or"
                    + " set OCELLUS_MODEL_DIR. The official TensorFlow MobileNet v1 archives (each"
                    + " holds a .tflite, a frozen .pb and a checkpoint) are at"
                    + " https://storage.googleapis.com/download.tensorflow.org/models/"
                    + "mobilenet_v1_2018_08_02/mobilenet_v1_<alpha>_<resolution>[_quant].tgz,"
                    + " for example mobilenet_v1_1.0_224_quant.tgz; unpack one and point --model at"
                    + " the folder. Labels: imagenet_labels.txt (1001 lines, background first)"
                    + " beside the model, or --labels.";

    private static final Pattern VARIANT = Pattern.compile("mobilenet_v1_(\\d(?:\\.\\d+)?)_(\\d+)");
    private static final List<String> LABEL_FILES =
            List.of("imagenet_labels.txt", "labels.txt", "coco_labels.txt");

    /** Widest, then largest first. */
    private static final Comparator<Path> PREFERENCE =
            Comparator.comparingDouble(
                            (Path file) ->
                                    variant(file)
                                            .map(v -> -v.alpha() * 10_000 - v.resolution())
                                            .orElse(0.0))
                    .thenComparing(Path::toString);

    /** Width and resolution as a released file's name gives them. */
    private record Variant(double alpha, int resolution) {}

    private ModelLocator() {}

    /** The default model directory, or null when none is configured or present. */
    public static Path defaultDirectory() {
        String env = System.getenv(MODEL_DIR_ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String property = System.getProperty(MODEL_DIR_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        return Files.isDirectory(SHARED_MODELS) ? SHARED_MODELS : null;
    }

    /**
     * The default detector directory: {@value #DETECTOR_DIR_ENV}, else the system property {@value
     * #DETECTOR_DIR_PROPERTY}, else {@code ../shared/models/ssd_mobilenet_v1_coco} when it exists,
     * else null.
     */
    public static Path defaultDetectorDirectory() {
        String env = System.getenv(DETECTOR_DIR_ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String property = System.getProperty(DETECTOR_DIR_PROPERTY);
        if (property != null && !property.isBlank()) {
            return Path.of(property);
        }
        return Files.isDirectory(SHARED_DETECTOR) ? SHARED_DETECTOR : null;
    }

    /**
     * Locates a model.
     *
     * @param model a file or directory, or null for the default directory
     * @param alpha the width multiplier wanted, or null for any
     * @param resolution the input resolution wanted, or null for the model's own
     * @param labels a label file, or null to look beside the model
     * @throws ModelNotFoundException when nothing fits; the message says how to get weights
     */
    public static ModelSource locate(String model, Double alpha, Integer resolution, String labels)
            throws ModelNotFoundException {
        Path path = model != null ? Path.of(model) : defaultDirectory();
        if (path == null) {
            throw new ModelNotFoundException("no model given. " + HOW_TO_GET_WEIGHTS);
        }
        if (!Files.exists(path)) {
            throw new ModelNotFoundException("no model at " + path + ". " + HOW_TO_GET_WEIGHTS);
        }
        Path chosen = Files.isDirectory(path) ? choose(path, alpha, resolution) : path;
        if (alpha != null && variant(chosen).filter(v -> v.alpha() != alpha).isPresent()) {
            throw new ModelNotFoundException(
                    String.format(Locale.ROOT, "%s is not a model of alpha %s", chosen, alpha));
        }
        ModelFormat format = format(chosen);
        List<String> paths =
                format == ModelFormat.TFLITE ? withHead(chosen) : List.of(chosen.toString());
        String labelFile = labels != null ? labels : findLabels(chosen).orElse(null);
        return new ModelSource(format, paths, labelFile, resolution);
    }

    private static Path choose(Path dir, Double alpha, Integer resolution)
            throws ModelNotFoundException {
        if (Files.isRegularFile(dir.resolve("saved_model.pb"))) {
            return dir;
        }
        List<Path> candidates;
        try (Stream<Path> files = Files.list(dir)) {
            candidates =
                    files.filter(ModelLocator::isModelFile)
                            .filter(
                                    file ->
                                            alpha == null
                                                    || variant(file)
                                                            .map(v -> v.alpha() == alpha)
                                                            .orElse(true))
                            .sorted(PREFERENCE)
                            .toList();
        } catch (IOException e) {
            throw new ModelNotFoundException("cannot list " + dir + ": " + e.getMessage());
        }
        if (candidates.isEmpty()) {
            throw new ModelNotFoundException(
                    String.format(
                            Locale.ROOT,
                            "no MobileNet v1 model in %s%s. %s",
                            dir,
                            alpha == null ? "" : " for alpha " + alpha,
                            HOW_TO_GET_WEIGHTS));
        }
        return candidates.stream()
                .filter(
                        file ->
                                resolution == null
                                        || variant(file)
                                                .map(v -> v.resolution() == resolution)
                                                .orElse(false))
                .findFirst()
                .orElse(candidates.get(0));
    }

    private static ModelFormat format(Path path) throws ModelNotFoundException {
        String name = path.getFileName().toString();
        if (Files.isDirectory(path)) {
            if (!Files.isRegularFile(path.resolve("saved_model.pb"))) {
                throw new ModelNotFoundException(path + " holds no saved_model.pb");
            }
            return ModelFormat.SAVED_MODEL;
        }
        if (name.endsWith(".pb")) {
            return ModelFormat.FROZEN_GRAPH;
        }
        if (name.endsWith(".tflite")) {
            return ModelFormat.TFLITE;
        }
        throw new ModelNotFoundException(
                path
                        + " is neither a .tflite file, a frozen graph (.pb) nor a SavedModel directory");
    }

    /** A body file and its head, when the head lies beside it. */
    private static List<String> withHead(Path file) {
        String name = file.getFileName().toString();
        if (name.contains("embedding_extractor")) {
            Path head = file.resolveSibling(name.replace("embedding_extractor", "head_layers"));
            if (Files.isRegularFile(head)) {
                return List.of(file.toString(), head.toString());
            }
        }
        return List.of(file.toString());
    }

    private static Optional<String> findLabels(Path model) {
        Path dir =
                Files.isDirectory(model)
                        ? model.toAbsolutePath()
                        : model.toAbsolutePath().getParent();
        return Stream.of(dir, dir.getParent())
                .filter(Objects::nonNull)
                .flatMap(folder -> LABEL_FILES.stream().map(folder::resolve))
                .filter(Files::isRegularFile)
                .map(Path::toString)
                .findFirst();
    }

    private static boolean isModelFile(Path file) {
        String name = file.getFileName().toString();
        return Files.isRegularFile(file)
                && !name.contains("head_layers")
                && (name.endsWith(".tflite") || (name.endsWith(".pb") && name.contains("frozen")));
    }

    private static Optional<Variant> variant(Path file) {
        Matcher matcher = VARIANT.matcher(file.getFileName().toString());
        return matcher.find()
                ? Optional.of(
                        new Variant(
                                Double.parseDouble(matcher.group(1)),
                                Integer.parseInt(matcher.group(2))))
                : Optional.empty();
    }
}
