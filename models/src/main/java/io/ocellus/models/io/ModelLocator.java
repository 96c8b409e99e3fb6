package io.ocellus.models.io;

import io.ocellus.models.ModelNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
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
 * saved_model.pb}) or several TensorFlow Lite and frozen-graph files named like the released ones
 * ({@code mobilenet_v1_0.5_160_quant.tflite}); {@code alpha} and {@code resolution} choose among
 * them, and without them 1.0_224 (else the largest) is taken. A body file ({@code
 * *_embedding_extractor.tflite}) is paired with its head ({@code *_head_layers.tflite}). Labels
 * come from {@code imagenet_labels.txt} or {@code labels.txt} beside the model.
 */
public final class ModelLocator {
    public static final String MODEL_DIR_ENV = "OCELLUS_MODEL_DIR";
    public static final String MODEL_DIR_PROPERTY = "ocellus.model.dir";
    public static final Path SHARED_MODELS = Path.of("..", "shared", "models", "mobilenet_v1");

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
    private static final List<String> LABEL_FILES = List.of("imagenet_labels.txt", "labels.txt");

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
     * Locates a model.
     *
     * @param model a file or directory, or null for the default directory
     * @param alpha the width multiplier wanted, or null for any
     * @param resolution the resolution wanted, or null for any
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
        ModelSource located =
                Files.isDirectory(path)
                        ? inDirectory(path, alpha, resolution)
                        : ofFile(path, alpha, resolution);
        String labelFile = labels != null ? labels : findLabels(located);
        return new ModelSource(located.format(), located.paths(), labelFile);
    }

    private static ModelSource inDirectory(Path dir, Double alpha, Integer resolution)
            throws ModelNotFoundException {
        if (Files.isRegularFile(dir.resolve("saved_model.pb"))) {
            return new ModelSource(ModelFormat.SAVED_MODEL, List.of(dir.toString()), null);
        }
        List<Path> candidates = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(ModelLocator::isModelFile)
                    .filter(file -> !file.getFileName().toString().contains("head_layers"))
                    .filter(file -> matches(file, alpha, resolution))
                    .sorted(PREFERENCE)
                    .forEach(candidates::add);
        } catch (IOException e) {
            throw new ModelNotFoundException("cannot list " + dir + ": " + e.getMessage());
        }
        if (candidates.isEmpty()) {
            throw new ModelNotFoundException(
                    String.format(
                            Locale.ROOT,
                            "no MobileNet v1 model in %s%s. %s",
                            dir,
                            alpha == null && resolution == null
                                    ? ""
                                    : String.format(
                                            Locale.ROOT,
                                            " for alpha %s and resolution %s",
                                            alpha == null ? "any" : alpha,
                                            resolution == null ? "any" : resolution),
                            HOW_TO_GET_WEIGHTS));
        }
        return ofFile(candidates.get(0), alpha, resolution);
    }

    private static ModelSource ofFile(Path file, Double alpha, Integer resolution)
            throws ModelNotFoundException {
        String name = file.getFileName().toString();
        if (!matches(file, alpha, resolution)) {
            throw new ModelNotFoundException(
                    String.format(
                            Locale.ROOT,
                            "%s is not a model for alpha %s and resolution %s",
                            file,
                            alpha,
                            resolution));
        }
        if (name.endsWith(".pb")) {
            return new ModelSource(ModelFormat.FROZEN_GRAPH, List.of(file.toString()), null);
        }
        if (!name.endsWith(".tflite")) {
            throw new ModelNotFoundException(
                    file
                            + " is neither a .tflite file, a frozen graph (.pb) nor a SavedModel directory");
        }
        if (name.contains("embedding_extractor")) {
            Path head = file.resolveSibling(name.replace("embedding_extractor", "head_layers"));
            if (Files.isRegularFile(head)) {
                return new ModelSource(
                        ModelFormat.TFLITE, List.of(file.toString(), head.toString()), null);
            }
        }
        return new ModelSource(ModelFormat.TFLITE, List.of(file.toString()), null);
    }

    private static String findLabels(ModelSource source) {
        Path first = source.files().get(0).toAbsolutePath();
        Path dir = Files.isDirectory(first) ? first : first.getParent();
        for (Path candidate = dir; candidate != null; candidate = candidate.getParent()) {
            for (String name : LABEL_FILES) {
                Path labels = candidate.resolve(name);
                if (Files.isRegularFile(labels)) {
                    return labels.toString();
                }
            }
            if (!candidate.equals(dir)) {
                break; // the model's folder and its parent, no further
            }
        }
        return null;
    }

    private static boolean isModelFile(Path file) {
        String name = file.getFileName().toString();
        return Files.isRegularFile(file)
                && (name.endsWith(".tflite") || (name.endsWith(".pb") && name.contains("frozen")));
    }

    private static boolean matches(Path file, Double alpha, Integer resolution) {
        if (alpha == null && resolution == null) {
            return true;
        }
        Matcher matcher = VARIANT.matcher(file.getFileName().toString());
        if (!matcher.find()) {
            return true; // nothing in the name to go by: the loader checks the content
        }
        boolean alphaOk = alpha == null || Double.parseDouble(matcher.group(1)) == alpha;
        boolean resolutionOk =
                resolution == null || Integer.parseInt(matcher.group(2)) == resolution;
        return alphaOk && resolutionOk;
    }

    /** Widest, then largest first; 1.0_224 leads when present. */
    private static final Comparator<Path> PREFERENCE =
            Comparator.comparingDouble(
                            (Path file) -> {
                                Matcher matcher = VARIANT.matcher(file.getFileName().toString());
                                return matcher.find()
                                        ? -Double.parseDouble(matcher.group(1)) * 10_000
                                                - Integer.parseInt(matcher.group(2))
                                        : 0;
                            })
                    .thenComparing(Path::toString);
}
