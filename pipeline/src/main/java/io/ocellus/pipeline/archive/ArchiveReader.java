package io.ocellus.pipeline.archive;

import io.ocellus.operators.DeadLetters;
import io.ocellus.operators.decode.ClaimCheckRoots;
import io.ocellus.schemas.DeadLetter;
import io.ocellus.schemas.Stage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.io.InputStatus;

/**
 * Reads the splits of an {@link ArchiveSource} in the task's thread: one {@link ArchiveRecord} per
 * entry, a frame or a failure, one file open at a time and one entry in memory. Entries whose key
 * is in the skip file (a resumed run) are passed over, plain files without being read. Plain files
 * and zip and plain tar entries under the reference roots are not read at all: their frames carry a
 * claim check that the decoding task fetches. The next split is asked for as soon as the current
 * one starts, so that no file waits on the request.
 */
final class ArchiveReader implements SourceReader<ArchiveRecord, ArchiveSource.Split> {
    /**
     * Skip sets by file, loaded once per JVM (a TaskManager) and shared by its readers; the last
     * reader of a run to close drops its set, so that no run's keys outlive it.
     */
    private static final Map<String, SharedSkipSet> SKIP_SETS = new HashMap<>();

    private static final class SharedSkipSet {
        final EntryKeys keys;
        int readers;

        SharedSkipSet(EntryKeys keys) {
            this.keys = keys;
        }
    }

    private final SourceReaderContext context;
    private final long maxBytes;
    private final String skipFile;
    private final ClaimCheckRoots referenceRoots;
    private final ArrayDeque<ArchiveSource.Split> splits = new ArrayDeque<>();
    private final ArrayDeque<String> files = new ArrayDeque<>();
    private EntryKeys skip = new EntryKeys();
    private boolean holdsSkipSet;
    private ArchiveEntries entries;
    private String open;
    private boolean requested;
    private boolean noMoreSplits;
    private CompletableFuture<Void> available = new CompletableFuture<>();

    ArchiveReader(
            SourceReaderContext context,
            long maxBytes,
            String skipFile,
            EntryKeys skipKeys,
            ClaimCheckRoots referenceRoots) {
        this.context = context;
        this.maxBytes = maxBytes;
        this.skipFile = skipFile;
        this.skip = skipKeys == null ? new EntryKeys() : skipKeys;
        this.referenceRoots = referenceRoots;
    }

    @Override
    public void start() {
        try {
            if (skipFile != null) {
                skip = skipSet(skipFile);
                holdsSkipSet = true;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        request();
    }

    @Override
    public InputStatus pollNext(ReaderOutput<ArchiveRecord> output) throws IOException {
        while (true) {
            if (entries != null) {
                ArchiveEntries.Entry entry = entries.next();
                if (entry == null) {
                    entries.close();
                    entries = null;
                } else if (!skip.contains(
                        entry.frame().getSourceId(), entry.frame().getFrameId())) {
                    output.collect(record(entry));
                    return InputStatus.MORE_AVAILABLE;
                }
            } else if (!files.isEmpty()) {
                open = files.poll();
                Path path = new Path(open);
                if (!done(path)) {
                    entries =
                            referenced(path)
                                    ? ArchiveEntries.referenced(path, maxBytes)
                                    : ArchiveEntries.open(path, maxBytes);
                }
                return InputStatus.MORE_AVAILABLE; // one file per call at most: the mailbox runs
            } else if (!splits.isEmpty()) {
                files.addAll(splits.poll().files());
                if (splits.isEmpty()) {
                    request(); // the next split arrives while this one is read
                }
            } else if (noMoreSplits) {
                return InputStatus.END_OF_INPUT;
            } else {
                request();
                if (available.isDone()) {
                    available = new CompletableFuture<>();
                }
                return InputStatus.NOTHING_AVAILABLE;
            }
        }
    }

    /** A plain file a resumed run has done before: passed over without reading its bytes. */
    private boolean done(Path path) {
        return ArchiveEntries.Kind.of(path.getName()) == ArchiveEntries.Kind.FILE
                && skip.contains(ArchiveEntries.folderOf(path), path.getName());
    }

    /**
     * A plain file, a zip archive or a plain tar under a reference root: frames point at its
     * entries instead of holding them.
     */
    private boolean referenced(Path path) {
        ArchiveEntries.Kind kind = ArchiveEntries.Kind.of(path.getName());
        return (kind == ArchiveEntries.Kind.FILE
                        || kind == ArchiveEntries.Kind.ZIP
                        || kind == ArchiveEntries.Kind.TAR)
                && referenceRoots.allows(path.toUri().toString());
    }

    private void request() {
        if (!requested && !noMoreSplits) {
            requested = true;
            context.sendSplitRequest();
        }
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
        return available;
    }

    @Override
    public void addSplits(List<ArchiveSource.Split> added) {
        splits.addAll(added);
        requested = false;
        available.complete(null);
    }

    @Override
    public void notifyNoMoreSplits() {
        noMoreSplits = true;
        available.complete(null);
    }

    /**
     * What is left: the files of the split being read (from the start of the open one), then the
     * rest.
     */
    @Override
    public List<ArchiveSource.Split> snapshotState(long checkpointId) {
        List<ArchiveSource.Split> left = new ArrayList<>();
        List<String> current = new ArrayList<>(files);
        if (entries != null) {
            current.add(0, open);
        }
        if (!current.isEmpty()) {
            left.add(new ArchiveSource.Split("left-" + checkpointId, current));
        }
        left.addAll(splits);
        return left;
    }

    @Override
    public void close() throws IOException {
        if (holdsSkipSet) {
            holdsSkipSet = false;
            release(skipFile);
        }
        if (entries != null) {
            entries.close();
        }
    }

    private static ArchiveRecord record(ArchiveEntries.Entry entry) {
        if (!entry.failed()) {
            return ArchiveRecord.of(entry.frame());
        }
        DeadLetter failure =
                DeadLetters.of(
                        entry.frame(), Stage.FETCH, entry.failureReason(), entry.failureMessage());
        return ArchiveRecord.failed(failure);
    }

    private static EntryKeys skipSet(String skipFile) throws IOException {
        if (skipFile == null) {
            return new EntryKeys();
        }
        synchronized (SKIP_SETS) {
            SharedSkipSet shared = SKIP_SETS.get(skipFile);
            if (shared == null) {
                try {
                    shared = new SharedSkipSet(EntryKeys.read(new Path(skipFile)));
                } catch (IOException e) {
                    throw new IOException("cannot read the resume file " + skipFile, e);
                }
                SKIP_SETS.put(skipFile, shared);
            }
            shared.readers++;
            return shared.keys;
        }
    }

    private static void release(String skipFile) {
        if (skipFile == null) {
            return;
        }
        synchronized (SKIP_SETS) {
            SharedSkipSet shared = SKIP_SETS.get(skipFile);
            if (shared != null && --shared.readers <= 0) {
                SKIP_SETS.remove(skipFile);
            }
        }
    }

    /** How many runs' skip sets this JVM holds now. */
    static int skipSetsHeld() {
        synchronized (SKIP_SETS) {
            return SKIP_SETS.size();
        }
    }
}
