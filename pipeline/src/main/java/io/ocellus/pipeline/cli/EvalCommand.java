package io.ocellus.pipeline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ocellus.models.ModelException;
import io.ocellus.models.eval.AccuracyTally;
import io.ocellus.models.eval.GroundTruth;
import io.ocellus.models.image.ImageDecoder;
import io.ocellus.models.image.ImageDecodingException;
import io.ocellus.models.image.ScaledJpegDecoder;
import io.ocellus.models.inference.InferenceEngine;
import io.ocellus.models.inference.Outputs;
import io.ocellus.models.inference.Prediction;
import io.ocellus.models.inference.RgbImage;
import io.ocellus.pipeline.config.ModelOptions;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ocellus eval}: top-1 and top-5 accuracy of a model on labelled images, decoded as the jobs
 * decode them, optionally next to a second configuration run on the same decoded images.
 */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = {
            "Accuracy on labelled images: classifies every labelled image and prints top-1 and"
                    + " top-5 accuracy, the images refused (with reasons) and images/s.",
            "Labels: lines file<TAB>class index (further columns ignored), matched by file name."
        })
public final class EvalCommand implements Callable<Integer> {
    private static final int TOP = 5;

    @Spec CommandSpec spec;

    @Mixin EvalModelFlags model;

    @Option(
            names = "--labels",
            required = true,
            paramLabel = "FILE",
            description = "The ground truth: file<TAB>class index lines.")
    Path truthFile;

    @Option(
            names = "--compare",
            paramLabel = "KEY=VALUE",
            description =
                    "Also run a second configuration differing in these settings (repeatable):"
                            + " preprocess, float-activations, precision, model, alpha, resolution, threads;"
                            + " reports both accuracies and their top-1 agreement.")
    Map<String, String> compare = new LinkedHashMap<>();

    @Option(
            names = "--details",
            paramLabel = "FILE",
            description =
                    "Write one JSON line per image: classify's shape plus \"truth\" (and"
                            + " \"compare\" with the second configuration's answer).")
    Path details;

    @Option(
            names = "--batch",
            defaultValue = "32",
            description = "Images per forward pass. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(
            names = "--no-jpeg-scaling",
            description = "Decode every JPEG in full, not scaled in the DCT when large.")
    boolean noJpegScaling;

    @Parameters(paramLabel = "IMAGE|DIR", arity = "1..*", description = "Images or directories.")
    List<Path> inputs;

    private final ObjectMapper json = new ObjectMapper();

    /** The model flags of {@code eval}: the model's label file is {@code --model-labels}. */
    @Command
    static final class EvalModelFlags extends FlagGroup {
        @Override
        protected List<List<Flag>> flags() {
            return List.of(Flags.MODEL, Flags.MODEL_LABELS);
        }
    }

    /** The settings {@code --compare} may change, by their flags' names without dashes. */
    static final List<String> COMPARABLE =
            List.of(
                    "preprocess",
                    "float-activations",
                    "precision",
                    "model",
                    "alpha",
                    "resolution",
                    "threads");

    @Override
    public Integer call() throws IOException {
        GroundTruth truth = readTruth();
        List<Path> files = new ArrayList<>();
        List<Path> unlabelled = new ArrayList<>();
        for (Path file : ImageFiles.expand(inputs)) {
            (truth.classOf(file).isPresent() ? files : unlabelled).add(file);
        }
        if (files.isEmpty()) {
            throw new ParameterException(
                    spec.commandLine(), "no image among the inputs is labelled in " + truthFile);
        }
        Configuration first = model.configuration();
        Configuration second = compareSettings(first);
        try (InferenceEngine engine = ModelOptions.open(first, List.of(batch));
                InferenceEngine other =
                        second == null ? null : ModelOptions.open(second, List.of(batch));
                ScaledJpegDecoder scaler = new ScaledJpegDecoder();
                BufferedWriter detailLines =
                        details == null
                                ? null
                                : Files.newBufferedWriter(details, StandardCharsets.UTF_8)) {
            int minSide =
                    Math.max(
                            engine.signature().resolution(),
                            other == null ? 0 : other.signature().resolution());
            ImageDecoder decoder =
                    noJpegScaling
                            ? new ImageDecoder()
                            : new ImageDecoder().withJpegScaling(scaler, minSide);
            Run run = new Run(truth, engine, other, decoder, detailLines);
            for (int from = 0; from < files.size(); from += batch) {
                run.batch(files.subList(from, Math.min(files.size(), from + batch)));
            }
            report(run, files.size(), unlabelled, second);
        } catch (ModelException e) {
            spec.commandLine().getErr().println("ocellus: " + e.getMessage());
            return ExitCode.CANNOT_RUN.code();
        }
        return 0;
    }

    private GroundTruth readTruth() throws IOException {
        try {
            return GroundTruth.read(truthFile);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }

    private Configuration compareSettings(Configuration first) {
        if (compare.isEmpty()) {
            return null;
        }
        Configuration settings = first.clone();
        for (Map.Entry<String, String> setting : compare.entrySet()) {
            if (!COMPARABLE.contains(setting.getKey())) {
                throw new ParameterException(
                        spec.commandLine(),
                        "--compare: cannot compare on \""
                                + setting.getKey()
                                + "\": expected one of "
                                + String.join(", ", COMPARABLE));
            }
            Flag flag = Flags.find("--" + setting.getKey());
            if (flag.kind() == Flag.Kind.SWITCH) {
                String value = setting.getValue();
                if (!value.equals("true") && !value.equals("false")) {
                    throw new ParameterException(
                            spec.commandLine(),
                            "--compare: "
                                    + setting.getKey()
                                    + " must be true or false, got "
                                    + value);
                }
                settings.setString(flag.option().key(), value);
            } else {
                flag.apply(settings, List.of(setting.getValue()));
            }
        }
        return settings;
    }

    /** One evaluation's counts and clocks; engines and files belong to the caller. */
    private final class Run {
        final GroundTruth truth;
        final InferenceEngine engine;
        final InferenceEngine other;
        final ImageDecoder decoder;
        final BufferedWriter detailLines;
        final AccuracyTally tally = new AccuracyTally();
        final AccuracyTally otherTally = new AccuracyTally();
        final Map<String, String> firstRefusal = new LinkedHashMap<>();
        int agreements;
        long decodeNanos;
        long engineNanos;
        long otherNanos;
        int decoded;

        Run(
                GroundTruth truth,
                InferenceEngine engine,
                InferenceEngine other,
                ImageDecoder decoder,
                BufferedWriter detailLines) {
            this.truth = truth;
            this.engine = engine;
            this.other = other;
            this.decoder = decoder;
            this.detailLines = detailLines;
        }

        void batch(List<Path> files) throws ModelException, IOException {
            List<Path> kept = new ArrayList<>();
            List<RgbImage> images = new ArrayList<>();
            long start = System.nanoTime();
            for (Path file : files) {
                try {
                    images.add(decoder.decode(file));
                    kept.add(file);
                } catch (ImageDecodingException e) {
                    refuse(file, e.reason().name(), e.getMessage());
                } catch (IOException e) {
                    refuse(file, "READ", e.toString());
                }
            }
            decodeNanos += System.nanoTime() - start;
            decoded += images.size();
            if (images.isEmpty()) {
                return;
            }
            start = System.nanoTime();
            List<Prediction> answers = engine.infer(images, Outputs.classes(TOP));
            engineNanos += System.nanoTime() - start;
            List<Prediction> otherAnswers = null;
            if (other != null) {
                start = System.nanoTime();
                otherAnswers = other.infer(images, Outputs.classes(TOP));
                otherNanos += System.nanoTime() - start;
            }
            for (int i = 0; i < kept.size(); i++) {
                count(
                        kept.get(i),
                        answers.get(i),
                        otherAnswers == null ? null : otherAnswers.get(i));
            }
        }

        private void count(Path file, Prediction answer, Prediction otherAnswer)
                throws IOException {
            int truthIndex = truth.classOf(file).getAsInt();
            tally.answer(truthIndex, answer.top());
            ObjectNode line = line(file, truthIndex);
            line.put("model", engine.signature().modelId());
            ClassifyCommand.putTop(line, answer.top());
            if (otherAnswer != null) {
                otherTally.answer(truthIndex, otherAnswer.top());
                if (answer.top().get(0).index() == otherAnswer.top().get(0).index()) {
                    agreements++;
                }
                ObjectNode compared = line.putObject("compare");
                compared.put("model", other.signature().modelId());
                ClassifyCommand.putTop(compared, otherAnswer.top());
            }
            write(line);
        }

        private void refuse(Path file, String reason, String message) throws IOException {
            tally.refuse(reason);
            otherTally.refuse(reason);
            firstRefusal.putIfAbsent(reason, file + ": " + message);
            OptionalInt truthIndex = truth.classOf(file);
            write(line(file, truthIndex.getAsInt()).put("error", message));
        }

        private ObjectNode line(Path file, int truthIndex) {
            ObjectNode line = json.createObjectNode();
            line.put("file", file.toString());
            line.put("truth", truthIndex);
            return line;
        }

        private void write(ObjectNode line) throws IOException {
            if (detailLines != null) {
                detailLines.write(line.toString());
                detailLines.newLine();
            }
        }
    }

    private void report(Run run, int labelled, List<Path> unlabelled, Configuration second) {
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                Locale.ROOT,
                "%d labelled images (%s)%s%n",
                labelled,
                truthFile,
                unlabelled.isEmpty()
                        ? ""
                        : String.format(
                                Locale.ROOT,
                                "; %d without a label left out, first %s",
                                unlabelled.size(),
                                unlabelled.get(0)));
        out.printf(
                "%s (%s): %s%n",
                run.engine.signature().modelId(),
                ModelOptions.describe(model.configuration()),
                run.tally.summary());
        if (run.other != null) {
            out.printf(
                    "compare %s: %s (%s): %s%n",
                    compare,
                    run.other.signature().modelId(),
                    ModelOptions.describe(second),
                    run.otherTally.summary());
            out.printf(
                    Locale.ROOT,
                    "top-1 agreement %.1f%% (%d of %d)%n",
                    100.0 * run.agreements / Math.max(1, run.tally.answered()),
                    run.agreements,
                    run.tally.answered());
        }
        out.printf("refused %d%s%n", run.tally.refusedCount(), refusals(run));
        out.printf(
                Locale.ROOT,
                "images/s: decode %.1f, model %.1f%s (batch %d)%n",
                rate(run.decoded + run.tally.refusedCount(), run.decodeNanos),
                rate(run.decoded, run.engineNanos),
                run.other == null
                        ? ""
                        : String.format(
                                Locale.ROOT, ", compared %.1f", rate(run.decoded, run.otherNanos)),
                batch);
        out.flush();
    }

    private static String refusals(Run run) {
        StringBuilder text = new StringBuilder();
        run.tally
                .refusedByReason()
                .forEach(
                        (reason, count) ->
                                text.append(
                                        String.format(
                                                "%n  %s %d, first: %s",
                                                reason, count, run.firstRefusal.get(reason))));
        return text.toString();
    }

    private static double rate(int images, long nanos) {
        return nanos == 0 ? 0 : images / (nanos / 1e9);
    }
}
