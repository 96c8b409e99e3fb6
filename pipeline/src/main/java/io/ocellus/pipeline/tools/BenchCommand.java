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
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
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

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (rounds < 1 || seconds <= 0 || batches.stream().anyMatch(batch -> batch < 1)) {
            throw new ParameterException(
                    spec.commandLine(), "--rounds, --seconds and --batch must be positive");
        }
        try (InferenceEngine engine = model.open(batches)) {
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
                    engine.options().intraOpThreads() == 0
                            ? "all"
                            : engine.options().intraOpThreads(),
                    engine.options().resolvedStreams(),
                    Runtime.getRuntime().availableProcessors(),
                    System.getProperty("os.arch"));
            MatMulLimit limit = MatMulLimit.measure(engine.options(), 1.0);
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
            if (!noReference) {
                ReferenceBench.compare(
                        ModelOptions.source(model.configuration()),
                        engine,
                        batches,
                        rates,
                        seconds,
                        rounds,
                        out);
            }
            return 0;
        } catch (ModelException e) {
            spec.commandLine().getErr().println("ocellus: " + e.getMessage());
            return ExitCode.CANNOT_RUN.code();
        }
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
