package io.ocellus.pipeline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ocellus.models.ModelException;
import io.ocellus.models.image.ImageDecoder;
import io.ocellus.models.image.ImageDecodingException;
import io.ocellus.models.image.ScaledJpegDecoder;
import io.ocellus.models.inference.InferenceEngine;
import io.ocellus.models.inference.Outputs;
import io.ocellus.models.inference.Prediction;
import io.ocellus.models.inference.RgbImage;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * Shared by {@code classify}, {@code embed} and {@code detect}: decodes each file, runs the engine
 * in batches and prints one JSON line per file. A file that cannot be read or decoded gets an error
 * line and the run goes on; the exit code is 1 when any file failed, 2 when the model could not be
 * loaded.
 */
abstract class ImageCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin ModelFlags model;

    @Option(
            names = "--batch",
            defaultValue = "8",
            description = "Images per forward pass. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Option(
            names = "--no-jpeg-scaling",
            description =
                    "Decode every JPEG in full. By default large JPEGs are decoded scaled down by 2, 4 or 8 in the DCT, keeping the shorter side at least the network's input resolution, as the stream and reprocess jobs do.")
    boolean noJpegScaling;

    @Parameters(
            paramLabel = "IMAGE|DIR",
            arity = "1..*",
            description =
                    "Image files, or directories searched recursively for files ending in "
                            + ImageFiles.EXTENSIONS
                            + ".")
    List<Path> inputs;

    final ObjectMapper json = new ObjectMapper();

    abstract Outputs outputs();

    /** Opens the model the command runs. */
    InferenceEngine open() throws ModelException {
        return model.open(List.of());
    }

    abstract void describe(Prediction prediction, ObjectNode line);

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<Path> files = ImageFiles.expand(inputs);
        boolean failed = false;
        try (InferenceEngine engine = open();
                ScaledJpegDecoder scaler = new ScaledJpegDecoder()) {
            // The same decoding as the jobs' (FrameDecodeFunction), so that results agree.
            ImageDecoder decoder =
                    noJpegScaling
                            ? new ImageDecoder()
                            : new ImageDecoder()
                                    .withJpegScaling(scaler, engine.signature().resolution());
            List<Path> pending = new ArrayList<>();
            List<RgbImage> images = new ArrayList<>();
            for (Path file : files) {
                try {
                    images.add(decoder.decode(file));
                    pending.add(file);
                } catch (NoSuchFileException e) {
                    failed = true;
                    out.println(error(file, "no such file"));
                } catch (IOException e) {
                    failed = true;
                    out.println(error(file, "cannot read: " + e));
                } catch (ImageDecodingException e) {
                    failed = true;
                    out.println(error(file, e.getMessage()));
                }
                if (images.size() == batch) {
                    failed |= flush(engine, pending, images, out);
                }
            }
            failed |= flush(engine, pending, images, out);
        } catch (ModelException e) {
            spec.commandLine().getErr().println("ocellus: " + e.getMessage());
            return ExitCode.CANNOT_RUN.code();
        }
        out.flush();
        return failed ? ExitCode.SOME_FAILED.code() : 0;
    }

    private boolean flush(
            InferenceEngine engine, List<Path> files, List<RgbImage> images, PrintWriter out) {
        if (images.isEmpty()) {
            return false;
        }
        boolean failed = false;
        try {
            List<Prediction> predictions = engine.infer(images, outputs());
            for (int i = 0; i < files.size(); i++) {
                ObjectNode line = json.createObjectNode();
                line.put("file", files.get(i).toString());
                line.put("model", engine.signature().modelId());
                describe(predictions.get(i), line);
                out.println(line);
            }
        } catch (ModelException e) {
            failed = true;
            files.forEach(file -> out.println(error(file, e.getMessage())));
        }
        files.clear();
        images.clear();
        out.flush();
        return failed;
    }

    private String error(Path file, String message) {
        ObjectNode line = json.createObjectNode();
        line.put("file", file.toString());
        line.put("error", message);
        return line.toString();
    }
}
