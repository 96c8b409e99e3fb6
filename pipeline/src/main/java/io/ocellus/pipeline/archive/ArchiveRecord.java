package io.ocellus.pipeline.archive;

import io.ocellus.schemas.DeadLetter;
import io.ocellus.schemas.ImageFrame;
import java.util.Objects;

/**
 * What the archive source emits per entry: the frame to process, or the dead letter of an entry
 * that could not be read. A Flink POJO whose fields are serialized as Avro.
 */
public final class ArchiveRecord {
    /** The entry as a frame, or null. */
    public ImageFrame frame;

    /** Why the entry could not be read, or null. */
    public DeadLetter failure;

    public ArchiveRecord() {}

    static ArchiveRecord of(ImageFrame frame) {
        ArchiveRecord record = new ArchiveRecord();
        record.frame = Objects.requireNonNull(frame);
        return record;
    }

    static ArchiveRecord failed(DeadLetter failure) {
        ArchiveRecord record = new ArchiveRecord();
        record.failure = Objects.requireNonNull(failure);
        return record;
    }
}
