package io.ocellus.pipeline.archive;

import io.ocellus.schemas.ImageFrame;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * An Avro container file of {@link ImageFrame} records: each record an entry, its {@code sourceId}
 * prefixed with the file's URI and {@code !}.
 */
final class AvroCursor implements ArchiveEntries.Cursor {
    private final DataFileStream<ImageFrame> records;
    private final String uri;
    private final boolean withBytes;
    private final long maxBytes;
    private final EntryFactory make;

    AvroCursor(InputStream in, String uri, boolean withBytes, long maxBytes, EntryFactory make)
            throws IOException {
        try {
            records = new DataFileStream<>(in, new SpecificDatumReader<>(ImageFrame.class));
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
        this.uri = uri;
        this.withBytes = withBytes;
        this.maxBytes = maxBytes;
        this.make = make;
    }

    @Override
    public ArchiveEntries.Entry next() {
        if (!records.hasNext()) {
            return null;
        }
        ImageFrame frame = records.next();
        frame.setSourceId(uri + "!" + frame.getSourceId());
        if (!withBytes) {
            frame.setImage(null);
            return new ArchiveEntries.Entry(frame, null, null);
        }
        ByteBuffer image = frame.getImage();
        if (image != null && image.remaining() > maxBytes) {
            return make.tooLarge(
                    frame.getSourceId(),
                    frame.getFrameId(),
                    frame.getEventTime().toEpochMilli(),
                    image.remaining());
        }
        return new ArchiveEntries.Entry(frame, null, null);
    }

    @Override
    public void close() throws IOException {
        records.close();
    }
}
