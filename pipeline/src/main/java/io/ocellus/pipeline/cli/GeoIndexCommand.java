package io.ocellus.pipeline.cli;

import io.ocellus.models.image.ExifGps;
import io.ocellus.operators.geo.GeoIndex;
import io.ocellus.operators.geo.GeoIndexes;
import io.ocellus.pipeline.archive.ArchiveEntries;
import io.ocellus.pipeline.archive.ArchivePlan;
import io.ocellus.pipeline.archive.EntryKeys;
import io.ocellus.pipeline.archive.ReprocessJob;
import io.ocellus.pipeline.archive.ReprocessRun;
import io.ocellus.pipeline.archive.ResultsDir;
import io.ocellus.pipeline.archive.RowFormat;
import io.ocellus.pipeline.geo.LocationsCsv;
import io.ocellus.pipeline.internal.Directories;
import io.ocellus.pipeline.internal.Uris;
import io.ocellus.pipeline.workflow.WorkflowOptions;
import io.ocellus.schemas.Embedding;
import io.ocellus.schemas.GeoReference;
import io.ocellus.schemas.ImageFrame;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
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
final class GeoIndexCommand implements Runnable {
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

        @Mixin ModelOptions model;

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
            if (flags.geoIndex != null) {
                err.println("ocellus geo-index build: --geo-index has no use here");
                return ExitCode.CANNOT_RUN.code();
            }
            Map<String, double[]> sidecar = new HashMap<>();
            for (java.nio.file.Path csv : locations) {
                readCsv(csv, sidecar);
            }
            List<String> uris = input.uris();

            // Where each entry was taken; those without a place are passed over by the job.
            Map<String, double[]> located = new HashMap<>();
            EntryKeys unlocated = new EntryKeys();
            List<String> unlocatedNames = new ArrayList<>();
            long[] counts = {0, 0, 0}; // files, entries, entries without a place
            ArchivePlan.forEachFile(
                    uris,
                    file -> {
                        counts[0]++;
                        try (ArchiveEntries entries =
                                ArchiveEntries.open(file, flags.maxImageBytes)) {
                            for (ArchiveEntries.Entry entry; (entry = entries.next()) != null; ) {
                                counts[1]++;
                                ImageFrame frame = entry.frame();
                                String source = frame.getSourceId();
                                String id = frame.getFrameId();
                                double[] where = location(entry, sidecar);
                                if (where != null) {
                                    located.put(EntryKeys.key(source, id), where);
                                } else {
                                    counts[2]++;
                                    unlocated.add(source, id);
                                    if (unlocatedNames.size() < 10) {
                                        unlocatedNames.add(ArchiveEntries.locator(source, id));
                                    }
                                }
                            }
                        }
                    });
            err.printf(
                    Locale.ROOT,
                    "geo-index: %d entries, %d with a location, %d without%s%n",
                    counts[1],
                    located.size(),
                    unlocated.size(),
                    unlocatedNames.isEmpty()
                            ? ""
                            : " (not indexed; first: " + String.join(", ", unlocatedNames) + ")");
            if (located.isEmpty()) {
                err.println("geo-index: no image with a location: nothing to index");
                return ExitCode.CANNOT_RUN.code();
            }

            WorkflowOptions workflow = flags.workflow(model, false, true, false);
            java.nio.file.Path work = Files.createTempDirectory("ocellus-geo-index-");
            try {
                String results = work.resolve("results").toUri().toString();
                new ResultsDir(results)
                        .prepare(
                                new ResultsDir.Manifest(
                                        RowFormat.AVRO,
                                        flags.modelId,
                                        List.of(ResultsDir.EMBEDDINGS)),
                                true);
                Path skip = new Path(work.resolve("unlocated.keys").toUri().toString());
                unlocated.write(skip);
                // The walk above read every entry already: the job's plan is its counts.
                ArchivePlan plan = new ArchivePlan(counts[0], counts[1], counts[2]);
                RunProgress progress = new RunProgress(err, input.progressBar(), flags.modelId);
                ReprocessRun.Summary summary =
                        ReprocessRun.execute(
                                new ReprocessJob.Options(
                                        uris,
                                        results,
                                        RowFormat.AVRO,
                                        null,
                                        workflow,
                                        List.of(ResultsDir.EMBEDDINGS),
                                        "geo-index",
                                        skip.toString()),
                                plan,
                                flags.parallelism,
                                progress);
                progress.finish();
                List<GeoReference> references = new ArrayList<>();
                new ResultsDir(results)
                        .forEach(
                                ResultsDir.EMBEDDINGS,
                                Embedding.class,
                                e -> {
                                    String source = e.getFrame().getSourceId();
                                    String id = e.getFrame().getFrameId();
                                    double[] where = located.get(EntryKeys.key(source, id));
                                    references.add(
                                            GeoReference.newBuilder()
                                                    .setId(ArchiveEntries.locator(source, id))
                                                    .setLatitude(where[0])
                                                    .setLongitude(where[1])
                                                    .setEmbedding(e.getVector())
                                                    .build());
                                });
                references.sort((a, b) -> a.getId().compareTo(b.getId()));
                Path index = new Path(Uris.of(output));
                FileSystem fs = index.getFileSystem();
                String id;
                try (OutputStream file = fs.create(index, FileSystem.WriteMode.OVERWRITE)) {
                    id = GeoIndex.write(file, flags.modelId, references);
                }
                out.printf(
                        Locale.ROOT,
                        "geo-index: %d references (%d dead letters: %s) with %s, id %s -> %s%n",
                        references.size(),
                        summary.deadLetterCount(),
                        summary.deadLetters(),
                        flags.modelId,
                        id,
                        index);
                out.flush();
                if (hnsw && !references.isEmpty()) {
                    saveGraph(index.toString(), out);
                }
                return references.isEmpty() ? ExitCode.CANNOT_RUN.code() : 0;
            } finally {
                Directories.deleteRecursively(work);
            }
        }

        private static double[] location(
                ArchiveEntries.Entry entry, Map<String, double[]> sidecar) {
            ImageFrame frame = entry.frame();
            if (frame.getLatitude() != null && frame.getLongitude() != null) {
                return new double[] {frame.getLatitude(), frame.getLongitude()};
            }
            String source = frame.getSourceId();
            String id = frame.getFrameId();
            String locator = ArchiveEntries.locator(source, id);
            String name = id.substring(id.lastIndexOf('/') + 1);
            for (String key : List.of(locator, id, name)) {
                double[] where = sidecar.get(key);
                if (where != null) {
                    return where;
                }
            }
            ByteBuffer image = frame.getImage();
            if (entry.failed() || image == null) {
                return null;
            }
            byte[] bytes = new byte[image.remaining()];
            image.duplicate().get(bytes);
            ExifGps.Location exif = ExifGps.of(bytes);
            return exif == null ? null : new double[] {exif.latitude(), exif.longitude()};
        }

        private static void readCsv(java.nio.file.Path csv, Map<String, double[]> into)
                throws IOException {
            for (LocationsCsv.Row row : LocationsCsv.read(csv).rows()) {
                into.put(row.file(), new double[] {row.latitude(), row.longitude()});
            }
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
