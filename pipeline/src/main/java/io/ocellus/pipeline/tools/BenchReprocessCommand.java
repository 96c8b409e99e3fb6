package io.ocellus.pipeline.tools;

import io.ocellus.models.image.ImageDecoder;
import io.ocellus.models.image.ScaledJpegDecoder;
import io.ocellus.models.inference.Outputs;
import io.ocellus.models.inference.Predictor;
import io.ocellus.models.inference.RgbImage;
import io.ocellus.pipeline.archive.ReprocessJob;
import io.ocellus.pipeline.archive.ReprocessRun;
import io.ocellus.pipeline.archive.RowFormat;
import io.ocellus.pipeline.cli.ExitCode;
import io.ocellus.pipeline.cli.ModelFlags;
import io.ocellus.pipeline.cli.WorkflowFlags;
import io.ocellus.pipeline.config.Jobs;
import io.ocellus.pipeline.internal.Directories;
import io.ocellus.pipeline.workflow.WorkflowOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ocellus bench-reprocess}: images/s of {@code reprocess} over a folder of N images, next to
 * the decode-only and engine-only rates measured in the same run, before and after it.
 */
@Command(
        name = "bench-reprocess",
        mixinStandardHelpOptions = true,
        description =
                "Benchmark ocellus reprocess: --count images (the sample pictures, copied round-robin) in a folder or an archive (--as), classified into Avro part files; prints images/s end to end against decode-only plus engine-only on the same images, measured before and after the run, each stage at the faster of the two.")
public final class BenchReprocessCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ModelFlags model;

    @Mixin WorkflowFlags flags;

    @Option(
            names = "--count",
            defaultValue = "1000",
            description = "Images in the folder. Default: ${DEFAULT-VALUE}.")
    int count;

    @Option(
            names = "--warmup-count",
            defaultValue = "1000",
            description =
                    "Before the measured run, reprocess this many of the images once in the same JVM (results thrown away), as a TaskManager of a session cluster has run jobs before; 0 measures a cold JVM, whose JIT compiles Flink's, Avro's and Ocellus's code through the run. Both runs are printed. Default: ${DEFAULT-VALUE}.")
    int warmupCount;

    @Option(
            names = "--as",
            paramLabel = "folder|zip|tar|tar.gz",
            defaultValue = "folder",
            converter = BenchArchive.Converter.class,
            description =
                    "How the images are laid out: a folder of files, one zip archive (deflated), one plain tar or one gzipped tar. Default: ${DEFAULT-VALUE}.")
    BenchArchive layout;

    @Option(
            names = "--images",
            paramLabel = "DIR",
            defaultValue = "../shared/images",
            description =
                    "Where the pictures come from (their .jpg and .bmp files). Default: ${DEFAULT-VALUE}.")
    Path images;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<Path> pictures;
        try (Stream<Path> files = Files.list(images)) {
            pictures =
                    files.filter(f -> f.getFileName().toString().matches("(?i).*\\.(jpe?g|bmp)"))
                            .sorted()
                            .toList();
        }
        if (pictures.isEmpty()) {
            spec.commandLine().getErr().println("no .jpg or .bmp files in " + images);
            return ExitCode.CANNOT_RUN.code();
        }
        Path work = Files.createTempDirectory("ocellus-bench-reprocess-");
        try {
            List<byte[]> bytes = read(pictures);
            Path input = fill(work, pictures, bytes, out);

            Jobs.Workflow probed = flags.workflow(true, false, false);
            WorkflowOptions workflow = probed.options();
            double[] before = alone(workflow, bytes);
            out.printf(
                    Locale.ROOT,
                    "before: decode-only %.2f ms/image, engine-only %.2f ms/image (batch %d)%n",
                    before[0],
                    before[1],
                    flags.batchSize());
            out.flush();

            if (warmupCount > 0 && !warmUp(work, pictures, bytes, probed, out)) {
                return ExitCode.UNACCOUNTED.code();
            }
            Run measured = run(input, work.resolve("results"), probed);
            print("reprocess", measured, out);
            ReprocessRun.Summary summary = measured.summary();
            if (!summary.accounted()) {
                return ExitCode.UNACCOUNTED.code();
            }
            report(summary, before, alone(workflow, bytes), out);
            return 0;
        } finally {
            Directories.deleteRecursively(work);
        }
    }

    /**
     * Reprocesses the first {@code --warmup-count} images, laid out as the measured ones, once;
     * false when the outcomes do not add up.
     */
    private boolean warmUp(
            Path work,
            List<Path> pictures,
            List<byte[]> bytes,
            Jobs.Workflow probed,
            PrintWriter out)
            throws Exception {
        Path warm = layout.write(work, "warm-up", Math.min(warmupCount, count), pictures, bytes);
        Run run = run(warm, work.resolve("warm-up-results"), probed);
        print("warm-up", run, out);
        return run.summary().accounted();
    }

    /** A run's summary, and the JIT compiler's share of the cores' time during it. */
    private record Run(ReprocessRun.Summary summary, double jitShare) {}

    /** Reprocesses {@code input} into {@code results}; the JIT's share is measured meanwhile. */
    private Run run(Path input, Path results, Jobs.Workflow probed) throws Exception {
        BenchTiming.JitMeter meter = new BenchTiming.JitMeter();
        ReprocessRun.Summary summary =
                ReprocessRun.builder()
                        .setInputs(List.of(input.toString()))
                        .setWorkflow(probed.options())
                        .setKinds(ReprocessJob.kinds(true, false, false, false))
                        .optResultsFolder(
                                results.toString(), RowFormat.AVRO, probed.modelId(), false)
                        .optParallelism(flags.parallelism())
                        .build()
                        .run(ReprocessRun.Listener.NONE);
        return new Run(summary, meter.share());
    }

    private static void print(String what, Run run, PrintWriter out) {
        ReprocessRun.Summary summary = run.summary();
        out.printf(
                Locale.ROOT,
                "%s: %d results, %d dead letters in %.1f s (%.1f images/s once flowing); the JIT"
                        + " compiled for %.1f%% of the cores' time%n",
                what,
                summary.results(),
                summary.deadLetterCount(),
                summary.seconds(),
                summary.steadyImagesPerSecond(),
                100 * run.jitShare());
        out.flush();
    }

    /** The pictures' bytes, in the order they are taken round-robin. */
    private static List<byte[]> read(List<Path> pictures) throws java.io.IOException {
        List<byte[]> bytes = new ArrayList<>();
        for (Path picture : pictures) {
            bytes.add(Files.readAllBytes(picture));
        }
        return bytes;
    }

    /** Writes the {@code --count} images as {@code --as} says; returns the job's input. */
    private Path fill(Path work, List<Path> pictures, List<byte[]> bytes, PrintWriter out)
            throws java.io.IOException {
        Path input = layout.write(work, "images", count, pictures, bytes);
        long total = 0;
        for (int i = 0; i < count; i++) {
            total += bytes.get(i % bytes.size()).length;
        }
        out.printf(
                Locale.ROOT,
                "%s: %d images (%d kinds from %s, %.1f MB; %.1f MB on disk); %d cores%n",
                layout,
                count,
                pictures.size(),
                images,
                total / 1e6,
                Files.isDirectory(input) ? total / 1e6 : Files.size(input) / 1e6,
                Runtime.getRuntime().availableProcessors());
        out.flush();
        return input;
    }

    private void report(
            ReprocessRun.Summary summary, double[] before, double[] after, PrintWriter out) {
        out.printf(
                Locale.ROOT,
                "after:  decode-only %.2f ms/image, engine-only %.2f ms/image%n",
                after[0],
                after[1]);
        double engine = Math.min(before[1], after[1]);
        double rate = summary.imagesPerSecond();
        double steady = summary.steadyImagesPerSecond();
        double ceiling = BenchTiming.serialCeiling(before, after);
        out.printf(
                Locale.ROOT,
                "result: %d images; end to end %.1f images/s with start-up (%.0f%% of"
                        + " decode+engine in series at their faster measurement, %.1f"
                        + " images/s), %.1f images/s once flowing (%.0f%%); engine-only %.1f"
                        + " images/s%s%n",
                count,
                rate,
                100 * rate / ceiling,
                ceiling,
                steady,
                100 * steady / ceiling,
                1000 / engine,
                summary.steadySeconds() > 0
                        ? String.format(
                                Locale.ROOT,
                                "; %.1f s of the %.1f outside the flowing phase (start-up, finish)",
                                summary.seconds() - summary.steadySeconds(),
                                summary.seconds())
                        : "");
        out.flush();
    }

    /** Decode-only and engine-only milliseconds per image over the pictures. */
    private double[] alone(WorkflowOptions workflow, List<byte[]> pictures) throws Exception {
        try (ScaledJpegDecoder scaler = new ScaledJpegDecoder();
                Predictor engine = workflow.model().open()) {
            ImageDecoder decoder = new ImageDecoder(workflow.decoding().maxPixels());
            if (workflow.decoding().jpegMinSide() > 0) {
                decoder = decoder.withJpegScaling(scaler, workflow.decoding().jpegMinSide());
            }
            ImageDecoder chosen = decoder;
            int[] next = {0};
            double decodeMs =
                    BenchTiming.millisPerCall(
                            () -> chosen.decode(pictures.get(next[0]++ % pictures.size())), 3000);
            List<RgbImage> batch = new ArrayList<>();
            for (int i = 0; i < flags.batchSize(); i++) {
                batch.add(chosen.decode(pictures.get(i % pictures.size())));
            }
            double engineMs =
                    BenchTiming.millisPerCall(
                                    () -> engine.infer(batch, Outputs.classes(flags.top())), 3000)
                            / flags.batchSize();
            return new double[] {decodeMs, engineMs};
        }
    }
}
