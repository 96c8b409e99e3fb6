package io.ocellus.pipeline.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ocellus.schemas.Classification;
import io.ocellus.schemas.DeadLetter;
import io.ocellus.schemas.DetectionFeatures;
import io.ocellus.schemas.Detections;
import io.ocellus.schemas.Embedding;
import io.ocellus.schemas.FrameRef;
import io.ocellus.schemas.GeoEstimate;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * The output folder of {@code ocellus reprocess}, on any Flink file system:
 *
 * <pre>
 * DIR/_ocellus-run.json            format, model and tasks it was written with
 * DIR/_ocellus-run.lock            held by the run writing now ({@link RunLock})
 * DIR/classifications/part-*.avro  one folder per task (or .jsonl)
 * DIR/embeddings/part-*.avro
 * DIR/features/part-*.avro
 * DIR/geo/part-*.avro
 * DIR/dead-letters/part-*.avro
 * </pre>
 *
 * Part files appear under their final name only when complete (written hidden, then renamed); the
 * files of one results chunk (one per task) hold the same frames. What a crash leaves behind,
 * hidden files and chunks missing a task's file, is removed before a run resumes.
 */
public final class ResultsDir {
    public static final String CLASSIFICATIONS = "classifications";
    public static final String EMBEDDINGS = "embeddings";
    public static final String FEATURES = "features";
    public static final String GEO = "geo";
    public static final String DETECTIONS = "detections";
    public static final String DEAD_LETTERS = "dead-letters";
    static final String MANIFEST = "_ocellus-run.json";

    /** The record type of each kind of part file. */
    public static final Map<String, Class<? extends SpecificRecord>> TYPES =
            Map.of(
                    CLASSIFICATIONS, Classification.class,
                    EMBEDDINGS, Embedding.class,
                    FEATURES, DetectionFeatures.class,
                    GEO, GeoEstimate.class,
                    DETECTIONS, Detections.class,
                    DEAD_LETTERS, DeadLetter.class);

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;

    public ResultsDir(Path root) {
        this.root = root;
    }

    public ResultsDir(String root) {
        this(new Path(root));
    }

    public Path root() {
        return root;
    }

    /** What a results folder was written with. */
    public record Manifest(RowFormat format, String modelId, List<String> tasks) {}

    /** The folder's manifest, or null when there is none (a new folder). */
    public Manifest manifest() throws IOException {
        Path file = new Path(root, MANIFEST);
        FileSystem fs = file.getFileSystem();
        if (!fs.exists(file)) {
            return null;
        }
        try (InputStream in = fs.open(file)) {
            JsonNode node = JSON.readTree(in);
            List<String> tasks = new ArrayList<>();
            node.path("tasks").forEach(task -> tasks.add(task.asText()));
            return new Manifest(
                    RowFormat.parse(node.path("format").asText()),
                    node.path("model").asText(),
                    tasks);
        }
    }

    /**
     * Makes the folder ready for a run: emptied when {@code overwrite}, else checked to have been
     * written with the same format, model and tasks and cleared of what a crash left behind.
     *
     * @throws IllegalStateException when resuming into a folder written differently
     */
    public void prepare(Manifest manifest, boolean overwrite) throws IOException {
        FileSystem fs = root.getFileSystem();
        if (overwrite && fs.exists(root)) {
            for (FileStatus status : list(root)) {
                fs.delete(status.getPath(), true);
            }
        }
        Manifest existing = manifest();
        if (existing != null && !existing.equals(manifest)) {
            throw new IllegalStateException(
                    String.format(
                            "%s holds results written as %s by %s with tasks %s; this run writes %s"
                                    + " by %s with tasks %s. Use --overwrite, or another folder.",
                            root,
                            existing.format(),
                            existing.modelId(),
                            existing.tasks(),
                            manifest.format(),
                            manifest.modelId(),
                            manifest.tasks()));
        }
        if (existing == null && !overwrite && fs.exists(root) && !list(root).isEmpty()) {
            throw new IllegalStateException(
                    root
                            + " is not empty and holds no results of ocellus reprocess: use another"
                            + " folder, or --overwrite to empty it");
        }
        fs.mkdirs(root);
        removeLeftovers(manifest);
        ObjectNode node = JSON.createObjectNode();
        node.put("format", manifest.format().extension());
        node.put("model", manifest.modelId());
        manifest.tasks().forEach(node.putArray("tasks")::add);
        try (OutputStream out =
                fs.create(new Path(root, MANIFEST), FileSystem.WriteMode.OVERWRITE)) {
            out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
        }
    }

    /** Hidden (unfinished) files, and result chunks that lack one of the tasks' files. */
    private void removeLeftovers(Manifest manifest) throws IOException {
        FileSystem fs = root.getFileSystem();
        Map<String, Set<String>> stems = new HashMap<>();
        for (String kind : kinds(manifest)) {
            Path dir = new Path(root, kind);
            for (FileStatus status : list(dir)) {
                String name = status.getPath().getName();
                if (name.startsWith(".")) {
                    fs.delete(status.getPath(), false);
                } else if (!kind.equals(DEAD_LETTERS)) {
                    stems.computeIfAbsent(stem(name), s -> new HashSet<>()).add(kind);
                }
            }
        }
        for (Map.Entry<String, Set<String>> stem : stems.entrySet()) {
            if (stem.getValue().size() < manifest.tasks().size()) {
                for (String kind : stem.getValue()) {
                    fs.delete(
                            new Path(
                                    new Path(root, kind),
                                    stem.getKey() + "." + manifest.format().extension()),
                            false);
                }
            }
        }
    }

    /** The kinds of part file a run with these tasks writes: its tasks, and dead letters. */
    static List<String> kinds(Manifest manifest) {
        List<String> kinds = new ArrayList<>(manifest.tasks());
        kinds.add(DEAD_LETTERS);
        return kinds;
    }

    /**
     * The entries the folder already accounts for: those with results (every task's, chunks being
     * whole) or a dead letter.
     */
    public EntryKeys done() throws IOException {
        Manifest manifest = manifest();
        EntryKeys done = new EntryKeys();
        if (manifest == null) {
            return done;
        }
        forEach(DEAD_LETTERS, DeadLetter.class, d -> add(done, d.getFrame()));
        String first = manifest.tasks().get(0);
        forEach(first, TYPES.get(first), row -> add(done, (FrameRef) row.get(0)));
        return done;
    }

    private static void add(EntryKeys keys, FrameRef frame) {
        if (frame != null) {
            keys.add(frame.getSourceId(), frame.getFrameId());
        }
    }

    /** Hands every committed row of one kind to {@code action}, file by file in name order. */
    public <T extends SpecificRecord> void forEach(
            String kind, Class<T> type, Consumer<? super T> action) throws IOException {
        FileSystem fs = root.getFileSystem();
        for (FileStatus status : list(new Path(root, kind))) {
            String name = status.getPath().getName();
            RowFormat format = RowFormat.ofFile(name);
            if (name.startsWith(".") || format == null) {
                continue;
            }
            try (InputStream in = fs.open(status.getPath())) {
                format.forEach(type, in, action);
            }
        }
    }

    private static String stem(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }

    private static List<FileStatus> list(Path dir) throws IOException {
        FileSystem fs = dir.getFileSystem();
        if (!fs.exists(dir)) {
            return List.of();
        }
        FileStatus[] statuses = fs.listStatus(dir);
        List<FileStatus> sorted = new ArrayList<>(statuses == null ? List.of() : List.of(statuses));
        // The lock of the run writing now: neither a result nor a leftover to remove.
        sorted.removeIf(status -> status.getPath().getName().equals(RunLock.FILE));
        sorted.sort((a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
        return sorted;
    }
}
