package io.ocellus.pipeline.cli;

import io.ocellus.operators.geo.GeoIndex;
import io.ocellus.operators.geo.GeoIndexes;
import io.ocellus.pipeline.config.GeoLocationOptions;
import io.ocellus.pipeline.config.Jobs;
import io.ocellus.pipeline.config.ReprocessOptions;
import io.ocellus.pipeline.config.Settings;
import io.ocellus.pipeline.geo.GeoIndexBuild;
import io.ocellus.pipeline.geo.LocationsCsv;
import io.ocellus.pipeline.internal.Uris;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code ocellus geo-index}: build a reference index of geotagged embeddings, or describe one. */
@Command(
        name = "geo-index",
        mixinStandardHelpOptions = true,
        description = "Build or describe a geo index: geotagged reference images' embeddings.",
        subcommands = {
            GeoIndexCommand.Build.class,
            GeoIndexCommand.Graph.class,
            GeoIndexCommand.Info.class,
            GeoEvalCommand.class
        })
public final class GeoIndexCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code ocellus geo-index build}. */
    @Command(
            name = "build",
            mixinStandardHelpOptions = true,
            description =
                    "Embed every geotagged image of folders, zip/tar(.gz) archives or Avro frame files (the archive job, in Flink's batch mode) and write a geo index file: L2-normalised embeddings, coordinates, ids, and the model they came from. An image's location comes from the ImageFrame's latitude/longitude (Avro inputs), a --locations CSV, or the JPEG's EXIF GPS data, in that order; images without one are counted and listed, not indexed.")
    static final class Build implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Mixin ModelFlags model;

        @Mixin WorkflowFlags flags;

        @Mixin ArchiveInputOptions input;

        @Option(
                names = "--output",
                required = true,
                paramLabel = "INDEX",
                description = "The index file to write (local path or Flink file-system URI).")
        String output;

        @Option(
                names = "--locations",
                paramLabel = "CSV",
                description =
                        "A CSV sidecar of file,latitude,longitude (a header line is skipped): file is an entry's name in its archive or folder, its file name, or its locator (archive!/entry); repeatable.")
        List<java.nio.file.Path> locations = List.of();

        @Option(
                names = "--hnsw",
                description =
                        "Also build the index's HNSW graph and save it beside the index (INDEX.hnsw), so that jobs searching with HNSW load it instead of building it.")
        boolean hnsw;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            Configuration config = flags.configuration();
            if (GeoLocationOptions.enabled(config)) {
                err.println("ocellus geo-index build: --geo-index has no use here");
                return ExitCode.CANNOT_RUN.code();
            }
            List<LocationsCsv> places = new ArrayList<>();
            for (java.nio.file.Path csv : locations) {
                places.add(LocationsCsv.read(csv));
            }
            List<String> inputs =
                    Settings.required(
                            config, ReprocessOptions.INPUTS, "folders or archives to read");
            Jobs.Workflow workflow = Jobs.workflow(config, false, true, false);
            RunProgress progress = new RunProgress(err, input.progressBar(), workflow.modelId());
            GeoIndexBuild.Result built =
                    GeoIndexBuild.builder()
                            .setInputs(inputs.stream().map(Uris::of).toList())
                            .setWorkflow(workflow.options())
                            .setModelId(workflow.modelId())
                            .setOutput(output)
                            .optLocations(places)
                            .optParallelism(
                                    config.getOptional(CoreOptions.DEFAULT_PARALLELISM)
                                            .orElse(null))
                            .build()
                            .run(progress);
            progress.finish();
            err.printf(
                    Locale.ROOT,
                    "geo-index: %d entries, %d with a location, %d without%s%n",
                    built.entries(),
                    built.entries() - built.unplaced(),
                    built.unplaced(),
                    built.firstUnplaced().isEmpty()
                            ? ""
                            : " (not indexed; first: "
                                    + String.join(", ", built.firstUnplaced())
                                    + ")");
            if (built.indexId() == null) {
                err.println("geo-index: no image with a location: nothing to index");
                return ExitCode.CANNOT_RUN.code();
            }
            out.printf(
                    Locale.ROOT,
                    "geo-index: %d references (%d dead letters: %s) with %s, id %s -> %s%n",
                    built.references(),
                    built.embedding().deadLetterCount(),
                    built.embedding().deadLetters(),
                    workflow.modelId(),
                    built.indexId(),
                    built.output());
            out.flush();
            if (hnsw && built.references() > 0) {
                saveGraph(built.output(), out);
            }
            return built.references() == 0 ? ExitCode.CANNOT_RUN.code() : 0;
        }
    }

    /** Builds the HNSW graph of the index at {@code uri} and saves it beside it. */
    static void saveGraph(String uri, PrintWriter out) throws IOException {
        long start = System.nanoTime();
        GeoIndex index = GeoIndexes.load(uri, GeoIndex.Search.HNSW);
        double built = (System.nanoTime() - start) / 1e9;
        Path graph = new Path(uri + GeoIndexes.GRAPH_SUFFIX);
        try (OutputStream file =
                graph.getFileSystem().create(graph, FileSystem.WriteMode.OVERWRITE)) {
            index.writeGraph(file);
        }
        out.printf(
                Locale.ROOT,
                "geo-index: HNSW graph of %d references built in %.1f s -> %s%n",
                index.size(),
                built,
                graph);
        out.flush();
    }

    /** {@code ocellus geo-index graph}. */
    @Command(
            name = "graph",
            mixinStandardHelpOptions = true,
            description =
                    "Build a geo index's HNSW graph and save it beside the index (INDEX.hnsw): jobs searching with HNSW then load it (about a second) instead of building it (minutes for 100,000 x 1024 on two cores).")
    static final class Graph implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "INDEX", description = "The index file.")
        String index;

        @Override
        public Integer call() throws Exception {
            saveGraph(Uris.of(index), spec.commandLine().getOut());
            return 0;
        }
    }

    /** {@code ocellus geo-index info}. */
    @Command(
            name = "info",
            mixinStandardHelpOptions = true,
            description = "Print a geo index's format version, id, model, dimensions and size.")
    static final class Info implements Callable<Integer> {
        @Spec CommandSpec spec;

        @Parameters(paramLabel = "INDEX", description = "The index file.")
        String index;

        @Override
        public Integer call() throws Exception {
            String uri = Uris.of(index);
            GeoIndex.Header header = GeoIndexes.header(uri);
            GeoIndex loaded = GeoIndexes.load(uri, GeoIndex.Search.EXACT);
            spec.commandLine()
                    .getOut()
                    .printf(
                            Locale.ROOT,
                            "%s: format %d, id %s, model %s, %d dimensions, %d references%n",
                            uri,
                            header.version(),
                            header.id(),
                            header.modelId(),
                            header.dimensions(),
                            loaded.size());
            return 0;
        }
    }
}
