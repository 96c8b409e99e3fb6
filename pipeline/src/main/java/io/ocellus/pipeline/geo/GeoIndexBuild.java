package io.ocellus.pipeline.geo;

import io.ocellus.models.image.ExifGps;
import io.ocellus.operators.geo.GeoIndex;
import io.ocellus.pipeline.archive.ArchiveEntries;
import io.ocellus.pipeline.archive.ArchivePlan;
import io.ocellus.pipeline.archive.EntryKeys;
import io.ocellus.pipeline.archive.ReprocessJob;
import io.ocellus.pipeline.archive.ReprocessRun;
import io.ocellus.pipeline.archive.ResultsDir;
import io.ocellus.pipeline.archive.RowFormat;
import io.ocellus.pipeline.internal.Directories;
import io.ocellus.pipeline.internal.Uris;
import io.ocellus.pipeline.workflow.WorkflowOptions;
import io.ocellus.schemas.Embedding;
import io.ocellus.schemas.GeoReference;
import io.ocellus.schemas.ImageFrame;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Builds a geo index file from geotagged images: every entry of the inputs is placed (the {@code
 * ImageFrame}'s latitude/longitude, else a locations CSV, else EXIF GPS), the placed ones are
 * embedded by the archive job and written as a {@link GeoIndex}; the others are counted, never
 * indexed.
 *
 * <pre>{@code
 * GeoIndexBuild.Result built =
 *         GeoIndexBuild.builder()
 *                 .setInputs(List.of("/data/geotagged"))
 *                 .setWorkflow(workflow) // embeddings on
 *                 .setModelId("mobilenet_v1_1.0_224")
 *                 .setOutput("/data/cities.geo.avro")
 *                 .optLocations(LocationsCsv.read(Path.of("places.csv")))
 *                 .build()
 *                 .run(ReprocessRun.Listener.NONE);
 * }</pre>
 */
public final class GeoIndexBuild {
    /** Entries without a place named in the result, at most. */
    private static final int NAMED_UNPLACED = 10;

    /**
     * What a build did.
     *
     * @param entries entries read
     * @param unplaced entries without a place (not indexed)
     * @param firstUnplaced the locators of the first of those
     * @param references entries indexed
     * @param embedding the archive job's summary (its dead letters: placed entries not embedded)
     * @param indexId the new index's id, null when nothing was indexed
     * @param output the index file's URI
     */
    public record Result(
            long entries,
            long unplaced,
            List<String> firstUnplaced,
            int references,
            ReprocessRun.Summary embedding,
            String indexId,
            String output) {}

    private final List<String> inputs;
    private final WorkflowOptions workflow;
    private final String modelId;
    private final String output;
    private final List<LocationsCsv> locations;
    private final long maxImageBytes;
    private final Integer parallelism;

    private GeoIndexBuild(Builder b) {
        this.inputs = b.inputs;
        this.workflow = b.workflow;
        this.modelId = b.modelId;
        this.output = b.output;
        this.locations = b.locations;
        this.maxImageBytes = workflow.decoding().maxImageBytes();
        this.parallelism = b.parallelism;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Places, embeds and writes. With no placed entry nothing is written and {@link
     * Result#indexId()} is null.
     */
    public Result run(ReprocessRun.Listener listener) throws Exception {
        Map<String, double[]> placed = new HashMap<>();
        EntryKeys unplaced = new EntryKeys();
        List<String> firstUnplaced = new ArrayList<>();
        long[] counts = {0, 0}; // files, entries
        ArchivePlan.forEachFile(
                inputs,
                file -> {
                    counts[0]++;
                    try (ArchiveEntries entries = ArchiveEntries.open(file, maxImageBytes)) {
                        for (ArchiveEntries.Entry entry; (entry = entries.next()) != null; ) {
                            counts[1]++;
                            place(entry, placed, unplaced, firstUnplaced);
                        }
                    }
                });
        if (placed.isEmpty()) {
            return new Result(counts[1], unplaced.size(), firstUnplaced, 0, null, null, output);
        }
        java.nio.file.Path work = Files.createTempDirectory("ocellus-geo-index-");
        try {
            String results = work.resolve("results").toUri().toString();
            // The walk above read every entry already: the job's plan is its counts.
            ArchivePlan plan = new ArchivePlan(counts[0], counts[1], unplaced.size());
            ReprocessRun.Summary summary = embed(results, work, unplaced, plan, listener);
            List<GeoReference> references = references(results, placed);
            Path index = new Path(output);
            String id;
            try (OutputStream file =
                    index.getFileSystem().create(index, FileSystem.WriteMode.OVERWRITE)) {
                id = GeoIndex.write(file, modelId, references);
            }
            return new Result(
                    counts[1],
                    unplaced.size(),
                    firstUnplaced,
                    references.size(),
                    summary,
                    id,
                    output);
        } finally {
            Directories.deleteRecursively(work);
        }
    }

    private void place(
            ArchiveEntries.Entry entry,
            Map<String, double[]> placed,
            EntryKeys unplaced,
            List<String> firstUnplaced) {
        ImageFrame frame = entry.frame();
        String source = frame.getSourceId();
        String id = frame.getFrameId();
        double[] where = location(entry);
        if (where != null) {
            placed.put(EntryKeys.key(source, id), where);
        } else {
            unplaced.add(source, id);
            if (firstUnplaced.size() < NAMED_UNPLACED) {
                firstUnplaced.add(ArchiveEntries.locator(source, id));
            }
        }
    }

    private ReprocessRun.Summary embed(
            String results,
            java.nio.file.Path work,
            EntryKeys unplaced,
            ArchivePlan plan,
            ReprocessRun.Listener listener)
            throws Exception {
        List<String> kinds = List.of(ResultsDir.EMBEDDINGS);
        new ResultsDir(results)
                .prepare(new ResultsDir.Manifest(RowFormat.AVRO, modelId, kinds), true);
        Path skip = new Path(work.resolve("unplaced.keys").toUri().toString());
        unplaced.write(skip);
        return ReprocessRun.execute(
                new ReprocessJob.Options(
                        inputs,
                        results,
                        RowFormat.AVRO,
                        null,
                        workflow,
                        kinds,
                        "geo-index",
                        skip.toString(),
                        null),
                plan,
                parallelism,
                listener);
    }

    private static List<GeoReference> references(String results, Map<String, double[]> placed)
            throws IOException {
        List<GeoReference> references = new ArrayList<>();
        new ResultsDir(results)
                .forEach(
                        ResultsDir.EMBEDDINGS,
                        Embedding.class,
                        e -> {
                            String source = e.getFrame().getSourceId();
                            String id = e.getFrame().getFrameId();
                            double[] where = placed.get(EntryKeys.key(source, id));
                            references.add(
                                    GeoReference.newBuilder()
                                            .setId(ArchiveEntries.locator(source, id))
                                            .setLatitude(where[0])
                                            .setLongitude(where[1])
                                            .setEmbedding(e.getVector())
                                            .build());
                        });
        references.sort((a, b) -> a.getId().compareTo(b.getId()));
        return references;
    }

    /** The frame's own place, else a CSV row by locator, id or file name, else EXIF GPS. */
    private double[] location(ArchiveEntries.Entry entry) {
        ImageFrame frame = entry.frame();
        if (frame.getLatitude() != null && frame.getLongitude() != null) {
            return new double[] {frame.getLatitude(), frame.getLongitude()};
        }
        String id = frame.getFrameId();
        String locator = ArchiveEntries.locator(frame.getSourceId(), id);
        for (LocationsCsv csv : locations) {
            for (String key : List.of(locator, id)) {
                LocationsCsv.Row row = csv.find(key);
                if (row != null) {
                    return new double[] {row.latitude(), row.longitude()};
                }
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

    /** Builder of a {@link GeoIndexBuild}: {@code set} what is required, {@code opt} the rest. */
    public static final class Builder {
        private List<String> inputs;
        private WorkflowOptions workflow;
        private String modelId;
        private String output;
        private List<LocationsCsv> locations = List.of();
        private Integer parallelism;

        private Builder() {}

        /** Folders, zip/tar(.gz) archives and Avro frame files: URIs or local paths. */
        public Builder setInputs(List<String> inputs) {
            this.inputs = inputs.stream().map(Uris::of).toList();
            return this;
        }

        /** The model and decoding; the embeddings task must be on. */
        public Builder setWorkflow(WorkflowOptions workflow) {
            this.workflow = workflow;
            return this;
        }

        /** The id of the model the workflow embeds with, recorded in the index. */
        public Builder setModelId(String modelId) {
            this.modelId = modelId;
            return this;
        }

        /** The index file to write: a URI or a local path. */
        public Builder setOutput(String output) {
            this.output = Uris.of(output);
            return this;
        }

        /** Places by file, consulted in order after a frame's own. */
        public Builder optLocations(List<LocationsCsv> locations) {
            this.locations = List.copyOf(locations);
            return this;
        }

        public Builder optParallelism(Integer parallelism) {
            this.parallelism = parallelism;
            return this;
        }

        /**
         * Checks the settings.
         *
         * @throws IllegalArgumentException naming what is missing
         */
        public GeoIndexBuild build() {
            if (inputs == null || inputs.isEmpty() || workflow == null || modelId == null) {
                throw new IllegalArgumentException("inputs, workflow and model id must be set");
            }
            if (output == null) {
                throw new IllegalArgumentException("the index file to write must be set");
            }
            if (!workflow.tasks().embeddings()) {
                throw new IllegalArgumentException("a geo index needs the embeddings task on");
            }
            return new GeoIndexBuild(this);
        }
    }
}
