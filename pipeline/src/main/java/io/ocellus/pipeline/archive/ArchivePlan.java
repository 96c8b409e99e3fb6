package io.ocellus.pipeline.archive;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.List;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * What a run will read, found before it starts: the input files (folders walked the way the job's
 * {@link ArchiveSource} walks them) and their entries, those done before counted apart. Gives the
 * progress bar its total and the summary the number every outcome must add up to.
 *
 * @param files input files, archives counted as one
 * @param entries entries in all of them
 * @param skipped entries a resumed run passes over, done before
 */
public record ArchivePlan(long files, long entries, long skipped) {
    /** The entries this run processes. */
    public long toProcess() {
        return entries - skipped;
    }

    /** What to do with each input file. */
    @FunctionalInterface
    public interface FileAction {
        void accept(Path file) throws IOException;
    }

    /**
     * Hands every input file to {@code action}: the files named, and those under the folders named,
     * walked the way the job's {@link ArchiveSource} walks them (names starting with a dot passed
     * over).
     *
     * @throws FileNotFoundException naming an input that does not exist
     */
    public static void forEachFile(List<String> inputs, FileAction action) throws IOException {
        for (String input : inputs) {
            Path path = new Path(input);
            FileSystem fs = path.getFileSystem();
            if (!fs.exists(path)) {
                throw new FileNotFoundException("input " + input + " does not exist");
            }
            walk(fs, fs.getFileStatus(path), action);
        }
    }

    /**
     * Walks the inputs, counting their entries by name only.
     *
     * @throws FileNotFoundException naming an input that does not exist
     */
    public static ArchivePlan scan(List<String> inputs, EntryKeys done) throws IOException {
        long[] counts = new long[3];
        forEachFile(
                inputs,
                file -> {
                    counts[0]++;
                    try (ArchiveEntries entries = ArchiveEntries.names(file)) {
                        for (ArchiveEntries.Entry entry; (entry = entries.next()) != null; ) {
                            counts[1]++;
                            if (done.contains(
                                    entry.frame().getSourceId(), entry.frame().getFrameId())) {
                                counts[2]++;
                            }
                        }
                    }
                });
        return new ArchivePlan(counts[0], counts[1], counts[2]);
    }

    private static void walk(FileSystem fs, FileStatus status, FileAction action)
            throws IOException {
        if (!status.isDir()) {
            action.accept(status.getPath());
            return;
        }
        FileStatus[] children = fs.listStatus(status.getPath());
        for (FileStatus child : children == null ? new FileStatus[0] : children) {
            if (ReprocessJob.isInput(child.getPath())) {
                walk(fs, child, action);
            }
        }
    }
}
