package io.ocellus.operators.decode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import org.apache.commons.compress.archivers.tar.TarFile;

/**
 * A read-only channel that fails once more than a budget of bytes has been read, until the budget
 * is lifted: a tar's headers are read whole when it is opened for random access ({@code TarFile}, a
 * few hundred bytes of heap per entry), and a budget of headers bounds that heap for an archive of
 * a great many small entries, which is then read as a stream instead.
 */
public final class HeaderBudgetChannel implements SeekableByteChannel {
    /** The bytes of 512-byte headers for this many entries (and some extended headers). */
    public static final int MAX_ENTRIES = 50_000;

    /** Thrown when the budget is spent. */
    public static final class OverBudget extends IOException {
        private static final long serialVersionUID = 1L;

        OverBudget(int entries) {
            super("more than " + entries + " entries (their headers are held in memory)");
        }
    }

    private final SeekableByteChannel channel;
    private final int entries;
    private final long budget;
    private long read;
    private boolean lifted;

    /** A budget of {@link #MAX_ENTRIES} headers of 512 bytes. */
    public HeaderBudgetChannel(SeekableByteChannel channel) {
        this(channel, MAX_ENTRIES);
    }

    HeaderBudgetChannel(SeekableByteChannel channel, int entries) {
        this.channel = channel;
        this.entries = entries;
        this.budget = 512L * entries;
    }

    /**
     * Opens a tar for random access over {@code channel}, reading the headers of at most {@link
     * #MAX_ENTRIES} entries; the channel is closed when the tar cannot be opened.
     *
     * @throws OverBudget when it has more entries
     */
    public static TarFile openTar(SeekableByteChannel channel) throws IOException {
        HeaderBudgetChannel budgeted = new HeaderBudgetChannel(channel);
        try {
            TarFile tar = new TarFile(budgeted);
            budgeted.lift();
            return tar;
        } catch (IOException | RuntimeException e) {
            budgeted.close();
            throw e;
        }
    }

    /** Lets every later read through: the headers are in. */
    public void lift() {
        lifted = true;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        int n = channel.read(dst);
        if (!lifted && n > 0 && (read += n) > budget) {
            throw new OverBudget(entries);
        }
        return n;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        return channel.write(src);
    }

    @Override
    public long position() throws IOException {
        return channel.position();
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        channel.position(newPosition);
        return this;
    }

    @Override
    public long size() throws IOException {
        return channel.size();
    }

    @Override
    public SeekableByteChannel truncate(long size) throws IOException {
        return channel.truncate(size);
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
