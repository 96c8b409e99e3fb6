package io.ocellus.pipeline.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ocellus.models.ModelException;
import io.ocellus.models.image.ExifGps;
import io.ocellus.models.image.ImageDecoder;
import io.ocellus.models.image.ImageDecodingException;
import io.ocellus.models.image.ScaledJpegDecoder;
import io.ocellus.models.inference.InferenceEngine;
import io.ocellus.models.inference.Outputs;
import io.ocellus.models.inference.Prediction;
import io.ocellus.models.inference.RgbImage;
import io.ocellus.operators.geo.GeoAccuracy;
import io.ocellus.operators.geo.GeoEstimator;
import io.ocellus.pipeline.config.GeoLocationOptions;
import io.ocellus.pipeline.geo.GeoEvaluation;
import io.ocellus.pipeline.geo.GeoEvaluation.Sample;
import io.ocellus.pipeline.geo.LocationsCsv;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ocellus geo-index eval}: embeds a geotagged set, indexes its references, locates its
 * queries and prints the share within 1/25/200/750/2500 km for the estimate and the top neighbour,
 * the median errors and the confidence's calibration.
 */
@Command(
        name = "eval",
        mixinStandardHelpOptions = true,
        description = {
            "Measure location estimates on a geotagged set: the references are indexed, the queries"
                    + " located; prints the share within 1, 25, 200, 750 and 2500 km for the"
                    + " estimate and the top neighbour, median errors and the confidence's"
                    + " calibration.",
            "Places come from --locations CSV files (columns file, latitude, longitude and any"
                    + " others, for the split), else the JPEG's EXIF GPS."
        })
final class GeoEvalCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ModelFlags model;

    @Mixin GeoEstimatorFlags estimator;

    @Option(
            names = "--locations",
            paramLabel = "CSV",
            description = "Places of the images (repeatable).")
    List<Path> locations = List.of();

    @Option(
            names = "--split",
            required = true,
            paramLabel = "COLUMN=VALUE|leave-out=COLUMN",
            description =
                    "Which images are queries: those whose CSV column has the value (heading_deg=270;"
                            + " images without the column are references), or every image against"
                            + " the images of other groups (leave-out=location_id; leave-out=file"
                            + " for one image out).")
    String split;

    @Option(
            names = "--details",
            paramLabel = "FILE",
            description =
                    "One JSON line per query: file, truth, estimate, error_km, confidence,"
                            + " top_neighbour, top_similarity, margin (over the second).")
    Path details;

    @Option(
            names = "--hnsw-recall",
            description =
                    "Also measure the HNSW graph's recall@k against exact search for the queries.")
    boolean hnswRecall;

    @Option(
            names = "--batch",
            defaultValue = "16",
            description = "Images per forward pass. Default: ${DEFAULT-VALUE}.")
    int batch;

    @Parameters(paramLabel = "IMAGE|DIR", arity = "1..*", description = "Images or directories.")
    List<Path> inputs;

    @Override
    public Integer call() throws IOException {
        GeoEvaluation.Split parsed;
        GeoEstimator chosen;
        try {
            parsed = GeoEvaluation.Split.parse(split);
            chosen = GeoLocationOptions.estimator(estimator.configuration());
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        List<LocationsCsv> places = new ArrayList<>();
        for (Path csv : locations) {
            places.add(LocationsCsv.read(csv));
        }
        PrintWriter out = spec.commandLine().getOut();
        List<Sample> samples;
        String modelId;
        try (InferenceEngine engine = model.open(List.of(batch));
                ScaledJpegDecoder scaler = new ScaledJpegDecoder()) {
            modelId = engine.signature().modelId();
            ImageDecoder decoder =
                    new ImageDecoder().withJpegScaling(scaler, engine.signature().resolution());
            samples = embed(ImageFiles.expand(inputs), places, engine, decoder, out);
        } catch (ModelException e) {
            spec.commandLine().getErr().println("ocellus: " + e.getMessage());
            return ExitCode.CANNOT_RUN.code();
        }
        GeoAccuracy accuracy;
        try (BufferedWriter lines =
                details == null ? null : Files.newBufferedWriter(details, StandardCharsets.UTF_8)) {
            accuracy =
                    GeoEvaluation.evaluate(
                            samples, parsed, chosen, modelId, lines == null ? null : detail(lines));
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        out.printf("%s, split %s, %s%n", modelId, split, chosen);
        out.print(accuracy.report());
        if (hnswRecall) {
            long start = System.nanoTime();
            double recall = GeoEvaluation.hnswRecall(samples, parsed, chosen.k(), modelId);
            out.printf(
                    Locale.ROOT,
                    "HNSW recall@%d against exact search: %.4f (%d samples; %.1f s with the graph"
                            + " build)%n",
                    chosen.k(),
                    recall,
                    samples.size(),
                    (System.nanoTime() - start) / 1e9);
        }
        out.flush();
        return 0;
    }

    private List<Sample> embed(
            List<Path> files,
            List<LocationsCsv> places,
            InferenceEngine engine,
            ImageDecoder decoder,
            PrintWriter out)
            throws ModelException, IOException {
        List<Sample> samples = new ArrayList<>();
        List<Sample> pending = new ArrayList<>();
        List<RgbImage> images = new ArrayList<>();
        int unplaced = 0;
        int refused = 0;
        for (Path file : files) {
            byte[] bytes = Files.readAllBytes(file);
            Sample placed = place(file, bytes, places);
            if (placed == null) {
                unplaced++;
                continue;
            }
            try {
                images.add(decoder.decode(bytes));
                pending.add(placed);
            } catch (ImageDecodingException e) {
                refused++;
                out.printf("refused %s: %s%n", file, e.getMessage());
            }
            if (images.size() == batch) {
                flush(engine, pending, images, samples);
            }
        }
        flush(engine, pending, images, samples);
        out.printf(
                Locale.ROOT,
                "%d images embedded, %d without a place left out, %d refused%n",
                samples.size(),
                unplaced,
                refused);
        return samples;
    }

    private static Sample place(Path file, byte[] bytes, List<LocationsCsv> places) {
        for (LocationsCsv csv : places) {
            LocationsCsv.Row row = csv.find(file.toString());
            if (row != null) {
                return new Sample(
                        file.getFileName().toString(),
                        row.latitude(),
                        row.longitude(),
                        null,
                        row.columns());
            }
        }
        ExifGps.Location exif = ExifGps.of(bytes);
        return exif == null
                ? null
                : new Sample(
                        file.getFileName().toString(),
                        exif.latitude(),
                        exif.longitude(),
                        null,
                        Map.of());
    }

    private static void flush(
            InferenceEngine engine, List<Sample> pending, List<RgbImage> images, List<Sample> into)
            throws ModelException {
        if (images.isEmpty()) {
            return;
        }
        List<Prediction> predictions = engine.infer(images, Outputs.embedding(true));
        for (int i = 0; i < pending.size(); i++) {
            Sample sample = pending.get(i);
            into.add(
                    new Sample(
                            sample.id(),
                            sample.latitude(),
                            sample.longitude(),
                            predictions.get(i).embedding(),
                            sample.columns()));
        }
        pending.clear();
        images.clear();
    }

    private static GeoEvaluation.Listener detail(BufferedWriter lines) {
        ObjectMapper json = new ObjectMapper();
        return (query, estimate, errorKm) -> {
            ObjectNode line = json.createObjectNode();
            line.put("file", query.id());
            line.putArray("truth").add(query.latitude()).add(query.longitude());
            line.putArray("estimate").add(estimate.getLatitude()).add(estimate.getLongitude());
            line.put("error_km", errorKm);
            line.put("confidence", estimate.getConfidence());
            line.put("top_neighbour", estimate.getNeighbours().get(0).getId().toString());
            line.put("top_similarity", estimate.getNeighbours().get(0).getSimilarity());
            // how far the top neighbour leads the next one: a near-duplicate leads clearly
            line.put(
                    "margin",
                    estimate.getNeighbours().size() < 2
                            ? 1
                            : estimate.getNeighbours().get(0).getSimilarity()
                                    - estimate.getNeighbours().get(1).getSimilarity());
            try {
                lines.write(line.toString());
                lines.newLine();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        };
    }
}
