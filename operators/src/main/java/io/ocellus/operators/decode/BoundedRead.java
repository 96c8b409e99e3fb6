package io.ocellus.operators.decode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;

/** Reads a stream whole, never past a byte limit. */
public final class BoundedRead {
    private BoundedRead() {}

    /**
     * The stream's bytes, or null when there are more than {@code limit}. Read into one array of
     * the {@code expected} size when it is known (not negative): a growing buffer copied each image
     * several times, and at these sizes every copy is a fresh humongous allocation (most of the
     * archive reader's time in a folder of photos). A stream shorter or longer than expected is
     * read as it is.
     */
    public static byte[] readAtMost(InputStream in, long limit, long expected) throws IOException {
        byte[] head = new byte[0];
        if (expected > 0 && expected <= limit && expected < Integer.MAX_VALUE - 8) {
            head = in.readNBytes((int) expected);
            if (head.length < expected) {
                return head;
            }
        }
        int next = in.read();
        if (next < 0) {
            return head;
        }
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
}
