package io.ocellus.pipeline.archive;

import java.io.IOException;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Writes rows into a {@link ResultsDir} in chunks: each writer fills one hidden file per kind and,
 * every {@code chunkRows} elements or {@code chunkMillis}, closes them and renames them to their
 * final names, so that whatever is visible is whole and a crash costs at most one chunk per writer.
 * An element's rows always land in the same chunk: a frame's results for every task appear
 * together.
 *
 * @param <T> what the sink takes (FrameResults, DeadLetter)
 */
public final class ChunkedFileSink<T> implements Sink<T> {
    private static final long serialVersionUID = 1L;

    /** Turns an element into rows, each with the kind of file it goes to. */
    @FunctionalInterface
    public interface Rows<T> extends Serializable {
        void emit(T element, BiConsumer<String, SpecificRecord> out);
    }

    private final String root;
    private final RowFormat format;
    private final String runId;
    private final String writerPrefix;
    private final List<String> kinds;
    private final Rows<T> rows;
    private final int chunkRows;
    private final long chunkMillis;

    /**
     * @param root the results folder
     * @param format Avro or JSON lines
     * @param runId names this run's files apart from earlier runs'
     * @param writerPrefix names this sink's files apart from another sink's in the same folders
     * @param kinds the files of every chunk, written even when empty
     * @param rows the rows of an element
     * @param chunkRows elements per chunk, at most
     * @param chunkMillis how long a chunk stays open, at most (checked as elements arrive)
     */
    public ChunkedFileSink(
            String root,
            RowFormat format,
            String runId,
            String writerPrefix,
            List<String> kinds,
            Rows<T> rows,
            int chunkRows,
            long chunkMillis) {
        this.root = root;
        this.format = format;
        this.runId = runId;
        this.writerPrefix = writerPrefix;
        this.kinds = List.copyOf(kinds);
        this.rows = rows;
        this.chunkRows = chunkRows;
        this.chunkMillis = chunkMillis;
    }

    @Override
    public SinkWriter<T> createWriter(WriterInitContext context) {
        return new Writer(context.getTaskInfo().getIndexOfThisSubtask());
    }

    private final class Writer implements SinkWriter<T> {
        private final int subtask;
        private final Map<String, RowFormat.RowWriter> open = new LinkedHashMap<>();
        private int sequence;
        private int elements;
        private long openedAt;

        Writer(int subtask) {
            this.subtask = subtask;
        }

        @Override
        public void write(T element, Context context) throws IOException {
            if (open.isEmpty()) {
                startChunk();
            }
            IOException[] failure = {null};
            rows.emit(
                    element,
                    (kind, row) -> {
                        try {
                            if (failure[0] == null) {
                                writerOf(kind).write(row);
                            }
                        } catch (IOException e) {
                            failure[0] = e;
                        }
                    });
            if (failure[0] != null) {
                throw failure[0];
            }
            elements++;
            if (elements >= chunkRows || System.currentTimeMillis() - openedAt >= chunkMillis) {
                commit();
            }
        }

        @Override
        public void flush(boolean endOfInput) throws IOException {
            if (endOfInput) {
                commit();
            }
        }

        @Override
        public void close() throws IOException {
            // Not committed here: close also follows a failure. A resumed run redoes the chunk.
            for (RowFormat.RowWriter writer : open.values()) {
                writer.close();
            }
            open.clear();
        }

        private void startChunk() throws IOException {
            for (String kind : kinds) {
                open.put(kind, format.writer(ResultsDir.TYPES.get(kind), create(hidden(kind))));
            }
            elements = 0;
            openedAt = System.currentTimeMillis();
        }

        private RowFormat.RowWriter writerOf(String kind) {
            RowFormat.RowWriter writer = open.get(kind);
            if (writer == null) {
                throw new IllegalStateException("no " + kind + " file in this sink: " + kinds);
            }
            return writer;
        }

        private void commit() throws IOException {
            if (open.isEmpty()) {
                return;
            }
            for (RowFormat.RowWriter writer : open.values()) {
                writer.close();
            }
            open.clear();
            FileSystem fs = new Path(root).getFileSystem();
            for (String kind : kinds) {
                if (!fs.rename(hidden(kind), visible(kind))) {
                    throw new IOException("cannot rename " + hidden(kind) + " to " + visible(kind));
                }
            }
            sequence++;
        }

        private String name() {
            return String.format(
                    "part-%s-%s%d-%05d.%s",
                    runId, writerPrefix, subtask, sequence, format.extension());
        }

        private Path visible(String kind) {
            return new Path(new Path(root, kind), name());
        }

        private Path hidden(String kind) {
            return new Path(new Path(root, kind), "." + name() + ".inprogress");
        }

        private java.io.OutputStream create(Path path) throws IOException {
            FileSystem fs = path.getFileSystem();
            fs.mkdirs(path.getParent());
            return fs.create(path, FileSystem.WriteMode.OVERWRITE);
        }
    }
}
