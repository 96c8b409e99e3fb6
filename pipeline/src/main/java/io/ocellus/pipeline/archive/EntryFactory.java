package io.ocellus.pipeline.archive;

import io.ocellus.schemas.ImageFrame;
import io.ocellus.schemas.ReasonCode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Locale;

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
        byte[] bytes = readAtMost(in, maxBytes, size);
        if (bytes == null) {
            return tooLarge(sourceId, name, time, -1);
        }
        return new ArchiveEntries.Entry(frame(sourceId, name, time, bytes), null, null);
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

    /**
     * The stream's bytes, or null when there are more than {@code limit}. Read into one array of
     * the {@code expected} size when it is known (not negative): a growing buffer copied each image
     * several times, and at these sizes every copy is a fresh humongous allocation (it was most of
     * the reader's time in a folder of photos).
     */
    static byte[] readAtMost(InputStream in, long limit, long expected) throws IOException {
        byte[] head = new byte[0];
        if (expected > 0 && expected <= limit && expected < Integer.MAX_VALUE - 8) {
            head = in.readNBytes((int) expected);
            if (head.length < expected) {
                return head; // shorter than its header said
            }
        }
        int next = in.read();
        if (next < 0) {
            return head;
        }
        // Longer than said, or no size given: the rest through a buffer.
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(head);
        out.write(next);
        byte[] buffer = new byte[64 * 1024];
        long total = head.length + 1L;
        for (int n; total <= limit && (n = in.read(buffer)) > 0; ) {
            total += n;
            out.write(buffer, 0, n);
        }
        return total > limit ? null : out.toByteArray();
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
