package io.ocellus.pipeline.archive;

import io.ocellus.operators.DeadLetters;
import io.ocellus.schemas.DeadLetter;
import io.ocellus.schemas.Stage;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.SingletonResultIterator;
import org.apache.flink.core.fs.Path;

/**
 * Reads each input file of a {@link org.apache.flink.connector.file.src.FileSource} as {@link
 * ArchiveEntries}: one {@link ArchiveRecord} per entry, a frame or a failure. Files are never
 * split: an archive is read by one reader, entry by entry, so memory holds one entry at a time.
 * Entries whose key is in the skip file (a resumed run) are passed over.
 */
public final class ArchiveFormat implements BulkFormat<ArchiveRecord, FileSourceSplit> {
    private static final long serialVersionUID = 1L;

    /** Skip sets by file, loaded once per JVM (a TaskManager) and shared by its readers. */
    private static final ConcurrentMap<String, EntryKeys> SKIP_SETS = new ConcurrentHashMap<>();

    private final long maxBytes;
    private final String skipFile;

    /**
     * @param maxBytes entries over this many bytes are {@code TOO_LARGE} dead letters
     * @param skipFile the {@link EntryKeys} file of entries to pass over, or null
     */
    public ArchiveFormat(long maxBytes, String skipFile) {
        this.maxBytes = maxBytes;
        this.skipFile = skipFile;
    }

    @Override
    public Reader<ArchiveRecord> createReader(Configuration config, FileSourceSplit split)
            throws IOException {
        return new EntryReader(ArchiveEntries.open(split.path(), maxBytes), skipSet());
    }

    @Override
    public Reader<ArchiveRecord> restoreReader(Configuration config, FileSourceSplit split)
            throws IOException {
        return createReader(config, split); // batch jobs restart splits from the beginning
    }

    @Override
    public boolean isSplittable() {
        return false;
    }

    @Override
    public TypeInformation<ArchiveRecord> getProducedType() {
        return TypeInformation.of(ArchiveRecord.class);
    }

    private EntryKeys skipSet() throws IOException {
        if (skipFile == null) {
            return new EntryKeys();
        }
        try {
            return SKIP_SETS.computeIfAbsent(
                    skipFile,
                    file -> {
                        try {
                            return EntryKeys.read(new Path(file));
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
        } catch (java.io.UncheckedIOException e) {
            throw new IOException("cannot read the resume file " + skipFile, e.getCause());
        }
    }

    private static final class EntryReader implements Reader<ArchiveRecord> {
        private final ArchiveEntries entries;
        private final EntryKeys skip;
        private long position;

        EntryReader(ArchiveEntries entries, EntryKeys skip) {
            this.entries = entries;
            this.skip = skip;
        }

        @Override
        public RecordIterator<ArchiveRecord> readBatch() throws IOException {
            for (ArchiveEntries.Entry entry; (entry = entries.next()) != null; ) {
                position++;
                var frame = entry.frame();
                if (skip.contains(frame.getSourceId(), frame.getFrameId())) {
                    continue;
                }
                SingletonResultIterator<ArchiveRecord> batch = new SingletonResultIterator<>();
                batch.set(record(entry), position, 0);
                return batch;
            }
            return null;
        }

        private static ArchiveRecord record(ArchiveEntries.Entry entry) {
            if (!entry.failed()) {
                return ArchiveRecord.of(entry.frame());
            }
            DeadLetter failure =
                    DeadLetters.of(
                            entry.frame(),
                            Stage.FETCH,
                            entry.failureReason(),
                            entry.failureMessage());
            return ArchiveRecord.failed(failure);
        }

        @Override
        public void close() throws IOException {
            entries.close();
        }
    }
}
