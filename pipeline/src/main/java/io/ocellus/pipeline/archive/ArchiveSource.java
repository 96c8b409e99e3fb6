package io.ocellus.pipeline.archive;

import io.ocellus.operators.decode.ClaimCheckRoots;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * The archive job's bounded source: the input files (folders walked as {@link
 * ArchivePlan#forEachFile} walks them) in splits, each read entry by entry ({@link ArchiveReader}).
 * An archive is a split of its own; plain files go in splits of up to {@link #FILES_PER_SPLIT} of
 * one folder. Flink's {@code FileSource} hands out one file per request, and a folder of small
 * images then spent more time on a request and a fetcher thread per file than on reading it (3000
 * JPEG and BMP files: 9.3 s for two readers, against 5.1 s for one reader of the same files in one
 * zip).
 */
public final class ArchiveSource
        implements Source<ArchiveRecord, ArchiveSource.Split, List<ArchiveSource.Split>>,
                ResultTypeQueryable<ArchiveRecord> {
    private static final long serialVersionUID = 1L;

    /** Plain files per split: enough to amortize a request, few enough to share a folder out. */
    static final int FILES_PER_SPLIT = 32;

    private final List<String> inputs;
    private final long maxBytes;
    private final String skipFile;
    private final List<String> referenceRoots;
    private EntryKeys skip;

    /**
     * @param inputs files and folders, as URIs or local paths
     * @param maxBytes entries over this many bytes are {@code TOO_LARGE} dead letters
     * @param skipFile the {@link EntryKeys} file of entries to pass over, or null
     * @param referenceRoots plain files and zip archives under these folders (or named by them) are
     *     not read: their frames carry a claim check for the decoding task to fetch ({@link
     *     ArchiveEntries#referenced}), which must allow these roots; empty reads every file
     */
    public ArchiveSource(
            List<String> inputs, long maxBytes, String skipFile, List<String> referenceRoots) {
        this.inputs = List.copyOf(inputs);
        this.maxBytes = maxBytes;
        this.skipFile = skipFile;
        this.referenceRoots = List.copyOf(referenceRoots);
    }

    /**
     * Entries to pass over, carried in the job itself rather than in a file (a run into Kafka,
     * whose TaskManagers share no folder with the client).
     */
    ArchiveSource withSkip(EntryKeys keys) {
        this.skip = keys;
        return this;
    }

    /** Some input files, read in order: an archive alone, or plain files of one folder. */
    public record Split(String id, List<String> files) implements SourceSplit {
        public Split {
            files = List.copyOf(files);
        }

        @Override
        public String splitId() {
            return id;
        }
    }

    /** The splits of {@code inputs}, in the order the files are walked. */
    static List<Split> plan(List<String> inputs) throws IOException {
        List<Split> splits = new ArrayList<>();
        List<String> plain = new ArrayList<>();
        Path[] folder = {null};
        ArchivePlan.forEachFile(
                inputs,
                file -> {
                    boolean archive =
                            ArchiveEntries.Kind.of(file.getName()) != ArchiveEntries.Kind.FILE;
                    if (!plain.isEmpty()
                            && (archive
                                    || plain.size() == FILES_PER_SPLIT
                                    || !file.getParent().equals(folder[0]))) {
                        splits.add(new Split(String.valueOf(splits.size()), plain));
                        plain.clear();
                    }
                    if (archive) {
                        splits.add(
                                new Split(String.valueOf(splits.size()), List.of(file.toString())));
                    } else {
                        plain.add(file.toString());
                        folder[0] = file.getParent();
                    }
                });
        if (!plain.isEmpty()) {
            splits.add(new Split(String.valueOf(splits.size()), plain));
        }
        return splits;
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.BOUNDED;
    }

    @Override
    public TypeInformation<ArchiveRecord> getProducedType() {
        return TypeInformation.of(ArchiveRecord.class);
    }

    @Override
    public SourceReader<ArchiveRecord, Split> createReader(SourceReaderContext context)
            throws IOException {
        return new ArchiveReader(
                context, maxBytes, skipFile, skip, new ClaimCheckRoots(referenceRoots));
    }

    @Override
    public SplitEnumerator<Split, List<Split>> createEnumerator(
            SplitEnumeratorContext<Split> context) throws IOException {
        return new Enumerator(context, plan(inputs));
    }

    @Override
    public SplitEnumerator<Split, List<Split>> restoreEnumerator(
            SplitEnumeratorContext<Split> context, List<Split> remaining) {
        return new Enumerator(context, remaining);
    }

    @Override
    public SimpleVersionedSerializer<Split> getSplitSerializer() {
        return new SplitSerializer();
    }

    @Override
    public SimpleVersionedSerializer<List<Split>> getEnumeratorCheckpointSerializer() {
        return new PendingSerializer();
    }

    /** Hands the splits out in order, one per request; then tells each reader there are no more. */
    static final class Enumerator implements SplitEnumerator<Split, List<Split>> {
        private final SplitEnumeratorContext<Split> context;
        private final ArrayDeque<Split> pending;

        Enumerator(SplitEnumeratorContext<Split> context, Collection<Split> splits) {
            this.context = context;
            this.pending = new ArrayDeque<>(splits);
        }

        @Override
        public void start() {}

        @Override
        public void handleSplitRequest(int subtask, String hostname) {
            Split next = pending.poll();
            if (next == null) {
                context.signalNoMoreSplits(subtask);
            } else {
                context.assignSplit(next, subtask);
            }
        }

        @Override
        public void addSplitsBack(List<Split> splits, int subtask) {
            splits.forEach(pending::addFirst);
        }

        @Override
        public void addReader(int subtask) {}

        @Override
        public List<Split> snapshotState(long checkpointId) {
            return new ArrayList<>(pending);
        }

        @Override
        public void close() {}
    }

    /** A split as its id and its files' URIs. */
    static final class SplitSerializer implements SimpleVersionedSerializer<Split> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(Split split) throws IOException {
            var bytes = new ByteArrayOutputStream();
            try (var out = new DataOutputStream(bytes)) {
                write(split, out);
            }
            return bytes.toByteArray();
        }

        @Override
        public Split deserialize(int version, byte[] serialized) throws IOException {
            try (var in = new DataInputStream(new ByteArrayInputStream(serialized))) {
                return read(in);
            }
        }

        static void write(Split split, DataOutput out) throws IOException {
            out.writeUTF(split.id());
            out.writeInt(split.files().size());
            for (String file : split.files()) {
                out.writeUTF(file);
            }
        }

        static Split read(DataInput in) throws IOException {
            String id = in.readUTF();
            int n = in.readInt();
            List<String> files = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                files.add(in.readUTF());
            }
            return new Split(id, files);
        }
    }

    /** The enumerator's state: the splits not handed out yet. */
    static final class PendingSerializer implements SimpleVersionedSerializer<List<Split>> {
        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(List<Split> splits) throws IOException {
            var bytes = new ByteArrayOutputStream();
            try (var out = new DataOutputStream(bytes)) {
                out.writeInt(splits.size());
                for (Split split : splits) {
                    SplitSerializer.write(split, out);
                }
            }
            return bytes.toByteArray();
        }

        @Override
        public List<Split> deserialize(int version, byte[] serialized) throws IOException {
            try (var in = new DataInputStream(new ByteArrayInputStream(serialized))) {
                int n = in.readInt();
                List<Split> splits = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    splits.add(SplitSerializer.read(in));
                }
                return splits;
            }
        }
    }
}
