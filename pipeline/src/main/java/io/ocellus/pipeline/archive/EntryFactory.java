package io.ocellus.pipeline.archive;

import io.ocellus.operators.decode.BoundedRead;
import io.ocellus.schemas.ClaimCheck;
import io.ocellus.schemas.ImageFrame;
import io.ocellus.schemas.ReasonCode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Locale;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;

/**
 * Makes the {@link ArchiveEntries.Entry entries} of an archive: a frame with the entry's bytes (or
 * only its name when bytes are not wanted), or a failure with its reason when the entry is over the
 * byte limit or cannot be read.
 */
final class EntryFactory {
    private final long maxBytes;
    private final boolean withBytes;

    EntryFactory(long maxBytes, boolean withBytes) {
        this.maxBytes = maxBytes;
        this.withBytes = withBytes;
    }

    ArchiveEntries.Entry image(String sourceId, String name, long time, InputStream in, long size)
            throws IOException {
        if (size > maxBytes) {
            return tooLarge(sourceId, name, time, size);
        }
        if (!withBytes) {
            return new ArchiveEntries.Entry(bare(sourceId, name, time), null, null);
        }
        byte[] bytes = BoundedRead.readAtMost(in, maxBytes, size);
        if (bytes == null) {
            return tooLarge(sourceId, name, time, -1);
        }
        return new ArchiveEntries.Entry(frame(sourceId, name, time, bytes), null, null);
    }

    /**
     * A frame that points at its bytes ({@code uri}, {@code size} bytes) instead of holding them.
     */
    ArchiveEntries.Entry claimed(String sourceId, String name, long time, String uri, long size) {
        ImageFrame frame = bare(sourceId, name, time);
        frame.setClaimCheck(ClaimCheck.newBuilder().setUri(uri).setSizeBytes(size).build());
        return new ArchiveEntries.Entry(frame, null, null);
    }

    ArchiveEntries.Entry tooLarge(String sourceId, String name, long time, long size) {
        return failure(
                sourceId,
                name,
                time,
                ReasonCode.TOO_LARGE,
                size >= 0
                        ? String.format(
                                Locale.ROOT,
                                "entry of %d bytes, over the limit of %d",
                                size,
                                maxBytes)
                        : "entry over the limit of " + maxBytes + " bytes");
    }

    /** A zip entry whose data cannot be read: an unknown compression method, or encrypted. */
    static ArchiveEntries.Entry unsupported(String sourceId, long time, ZipArchiveEntry entry) {
        return failure(
                sourceId,
                entry.getName(),
                time,
                ReasonCode.UNSUPPORTED_COMPRESSION,
                "zip entry compressed with method "
                        + entry.getMethod()
                        + (entry.getGeneralPurposeBit().usesEncryption() ? " and encrypted" : "")
                        + ", which cannot be read");
    }

    private static ImageFrame frame(String sourceId, String name, long time, byte[] bytes) {
        return ImageFrame.newBuilder()
                .setSourceId(sourceId)
                .setFrameId(name)
                .setEventTime(java.time.Instant.ofEpochMilli(Math.max(0, time)))
                .setImage(ByteBuffer.wrap(bytes))
                .build();
    }

    static ImageFrame bare(String sourceId, String name, long time) {
        return ImageFrame.newBuilder()
                .setSourceId(sourceId)
                .setFrameId(name)
                .setEventTime(java.time.Instant.ofEpochMilli(Math.max(0, time)))
                .build();
    }

    static ArchiveEntries.Entry failure(
            String sourceId, String name, long time, ReasonCode reason, String message) {
        return new ArchiveEntries.Entry(bare(sourceId, name, time), reason, message);
    }

    /** An entry that could not be read: {@code what} and the exception, as the message. */
    static ArchiveEntries.Entry unreadable(
            String sourceId, String name, long time, String what, Throwable e) {
        return failure(
                sourceId, name, time, ReasonCode.ENTRY_UNREADABLE, what + ": " + describe(e));
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
