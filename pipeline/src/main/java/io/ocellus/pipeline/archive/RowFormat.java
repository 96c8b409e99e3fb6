package io.ocellus.pipeline.archive;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/** How result files are written: Avro container files or JSON lines. */
public enum RowFormat {
    /** Avro container files (deflate), the schema of each task's record in the file. */
    AVRO("avro"),
    /** One JSON object per line ({@link JsonRows}). */
    JSONL("jsonl");

    private final String extension;

    RowFormat(String extension) {
        this.extension = extension;
    }

    public String extension() {
        return extension;
    }

    public static RowFormat parse(String value) {
        for (RowFormat format : values()) {
            if (format.extension.equalsIgnoreCase(value) || format.name().equalsIgnoreCase(value)) {
                return format;
            }
        }
        throw new IllegalArgumentException(
                "unknown output format '" + value + "': use avro or jsonl");
    }

    @Override
    public String toString() {
        return extension;
    }

    /** Writes rows of one type to a stream. */
    public interface RowWriter extends Closeable {
        void write(SpecificRecord row) throws IOException;
    }

    /** A writer of {@code type} rows onto {@code out}, which it closes. */
    public RowWriter writer(Class<? extends SpecificRecord> type, OutputStream out)
            throws IOException {
        if (this == AVRO) {
            DataFileWriter<SpecificRecord> file =
                    new DataFileWriter<>(
                            new SpecificDatumWriter<SpecificRecord>(
                                    SpecificData.get().getSchema(type)));
            file.setCodec(CodecFactory.deflateCodec(1));
            file.create(SpecificData.get().getSchema(type), out);
            return new RowWriter() {
                @Override
                public void write(SpecificRecord row) throws IOException {
                    file.append(row);
                }

                @Override
                public void close() throws IOException {
                    file.close();
                }
            };
        }
        Writer text = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8));
        return new RowWriter() {
            @Override
            public void write(SpecificRecord row) throws IOException {
                text.write(JsonRows.line(row));
                text.write('\n');
            }

            @Override
            public void close() throws IOException {
                text.close();
            }
        };
    }

    /** Hands every row of a file written by {@link #writer} to {@code action}, in order. */
    public <T extends SpecificRecord> void forEach(
            Class<T> type, InputStream in, Consumer<? super T> action) throws IOException {
        if (this == AVRO) {
            try (DataFileStream<T> file =
                    new DataFileStream<>(in, new SpecificDatumReader<>(type))) {
                file.forEach(action);
            }
            return;
        }
        try (BufferedReader lines =
                new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = lines.readLine()) != null; ) {
                if (!line.isBlank()) {
                    action.accept(JsonRows.parse(line, type));
                }
            }
        }
    }

    static RowFormat ofFile(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (RowFormat format : values()) {
            if (lower.endsWith("." + format.extension)) {
                return format;
            }
        }
        return null;
    }
}
