package io.ocellus.pipeline.tools;

import io.ocellus.models.ModelException;
import io.ocellus.models.inference.InferenceEngine;
import io.ocellus.models.inference.MatMulLimit;
import io.ocellus.models.inference.Outputs;
import io.ocellus.models.inference.Precision;
import io.ocellus.models.io.ModelSignature;
import io.ocellus.models.mobilenet.MobileNetV1Spec;
import io.ocellus.pipeline.cli.ExitCode;
import io.ocellus.pipeline.cli.ModelFlags;
import io.ocellus.pipeline.config.ModelOptions;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ocellus bench}: forward-pass throughput per batch size on pre-processed input, with the
 * multiply-adds achieved. A benchmark, not a test: run it on an idle machine.
 */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description =
                "Measure images/s, ms per batch and GMAC/s of the forward pass for each batch size.")
public final class BenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ModelFlags model;

    @Option(
            names = "--batch",
            split = ",",
            defaultValue = "1,8,32",
            description = "Batch sizes. Default: ${DEFAULT-VALUE}.")
    List<Integer> batches;

    @Option(
            names = "--seconds",
            defaultValue = "10",
            description =
                    "Measuring seconds per batch size, all rounds together. Default: ${DEFAULT-VALUE}.")
    double seconds;

    @Option(
            names = "--rounds",
            defaultValue = "5",
            description =
                    "Measuring windows per batch size; the median is reported (and the best)."
                            + " Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Option(
            names = "--no-reference",
            description =
                    "Do not also time the TensorFlow Lite interpreter on the same file (done for a"
                            + " single-file model with 8-bit input, such as the SSD detector).")
    boolean noReference;

    @Option(
            names = "--compare-precisions",
            split = ",",
            paramLabel = "PRECISION",
            description =
                    "Precisions (fp32, bf16, int8, auto) measured one after the other in this run,"
                            + " each next to the first as a ratio of images/s: one process, one"
                            + " machine, one MatMul limit. Unset: --precision alone.")
    List<String> comparePrecisions;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (rounds < 1 || seconds <= 0 || batches.stream().anyMatch(batch -> batch < 1)) {
            throw new ParameterException(
                    spec.commandLine(), "--rounds, --seconds and --batch must be positive");
        }
        List<Precision> precisions = precisions();
        Map<String, double[]> measured = new LinkedHashMap<>();
        MatMulLimit limit = null;
        try {
            for (Precision precision : precisions) {
                Configuration config = model.configuration();
                config.set(ModelOptions.PRECISION, precision.label());
                try (InferenceEngine engine = ModelOptions.open(config, batches)) {
                    long macs = header(engine, out);
                    if (limit == null) {
                        limit = MatMulLimit.measure(engine.options(), 1.0);
                    }
                    double[] rates = measureAll(engine, macs, limit, out);
                    measured.putIfAbsent(engine.options().precision().resolve().label(), rates);
                    if (!noReference && measured.size() == 1) {
                        ReferenceBench.compare(
                                ModelOptions.source(config),
                                engine,
                                batches,
                                rates,
                                seconds,
                                rounds,
                                out);
                    }
                }
            }
            printRatios(measured, out);
            return 0;
        } catch (ModelException e) {
            spec.commandLine().getErr().println("ocellus: " + e.getMessage());
            return ExitCode.CANNOT_RUN.code();
        }
    }

    private List<Precision> precisions() {
        if (comparePrecisions == null || comparePrecisions.isEmpty()) {
            return List.of(ModelOptions.precision(model.configuration()));
        }
        List<Precision> precisions = new ArrayList<>();
        for (String name : comparePrecisions) {
            try {
                precisions.add(Precision.parse(name.strip()));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        return precisions;
    }

    /** Prints what runs (model, precision, threads, CPU); returns the model's MACs per image. */
    private long header(InferenceEngine engine, PrintWriter out) {
        ModelSignature signature = engine.signature();
        long macs =
                signature.isDetector()
                        ? signature.detection().macs()
                        : new MobileNetV1Spec(
                                        signature.alpha(),
                                        signature.resolution(),
                                        signature.numClasses())
                                .macs();
        out.printf(
                Locale.ROOT,
                "model %s (%.1f M MACs/image), %s activations, precision %s, intra-op threads"
                        + " %s, streams %d, %d cores, %s%n",
                signature.modelId(),
                macs / 1e6,
                engine.options().precision().resolve() == Precision.INT8
                        ? "uint8 (integer graph)"
                        : engine.options().emulatesGrids() ? "8-bit-grid" : "float32",
                engine.options().precision().resolve().label(),
                engine.options().intraOpThreads() == 0 ? "all" : engine.options().intraOpThreads(),
                engine.options().resolvedStreams(),
                Runtime.getRuntime().availableProcessors(),
                System.getProperty("os.arch"));
        return macs;
    }

    private double[] measureAll(
            InferenceEngine engine, long macs, MatMulLimit limit, PrintWriter out)
            throws ModelException {
        out.println(limit.describe());
        out.printf(
                Locale.ROOT,
                "%6s %10s %12s %10s %9s %10s%n",
                "batch",
                "images/s",
                "ms/batch",
                "GMAC/s",
                "of limit",
                "best img/s");
        double limitRate = limit.of(engine.options().precision().resolve());
        double[] rates = new double[batches.size()];
        for (int i = 0; i < batches.size(); i++) {
            rates[i] = measure(engine, batches.get(i), macs, limitRate, out);
        }
        return rates;
    }

    /** Each precision's images/s over the first one's, per batch size. */
    private void printRatios(Map<String, double[]> measured, PrintWriter out) {
        if (measured.size() < 2) {
            return;
        }
        List<String> labels = new ArrayList<>(measured.keySet());
        double[] base = measured.get(labels.get(0));
        for (String label : labels.subList(1, labels.size())) {
            StringBuilder line = new StringBuilder(label + " / " + labels.get(0) + " images/s:");
            for (int i = 0; i < batches.size(); i++) {
                line.append(
                        String.format(
                                Locale.ROOT,
                                " batch %d %.2fx",
                                batches.get(i),
                                measured.get(label)[i] / base[i]));
            }
            out.println(line);
        }
        out.flush();
    }

    /** Measures one batch size; returns the median images/s. */
    private double measure(
            InferenceEngine engine, int batch, long macs, double limit, PrintWriter out)
            throws ModelException {
        float[] input = new float[batch * engine.inputSize()];
        Random random = new Random(batch);
        for (int i = 0; i < input.length; i++) {
            input[i] = random.nextFloat() * 2 - 1;
        }
        Outputs outputs =
                engine.signature().isDetector()
                        ? Outputs.detections(Outputs.DetectionQuery.DEFAULT)
                        : engine.signature().hasClassifier()
                                ? Outputs.classes(1)
                                : Outputs.embedding(false);
        engine.inferPreprocessed(input, batch, outputs);
        double[] rates = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            long deadline = System.nanoTime() + (long) (seconds / rounds * 1e9);
            long start = System.nanoTime();
            int runs = 0;
            while (System.nanoTime() < deadline || runs < 2) {
                engine.inferPreprocessed(input, batch, outputs);
                runs++;
            }
            rates[round] = runs * batch / ((System.nanoTime() - start) / 1e9);
        }
        Arrays.sort(rates);
        double median = rates[rounds / 2];
        double gmacs = median * macs / 1e9;
        out.printf(
                Locale.ROOT,
                "%6d %10.1f %12.2f %10.1f %9s %10.1f%n",
                batch,
                median,
                batch * 1000 / median,
                gmacs,
                limit > 0 ? String.format(Locale.ROOT, "%.2f", gmacs / limit) : "-",
                rates[rounds - 1]);
        out.flush();
        return median;
    }
}
