package io.ocellus.pipeline.archive;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * A read-only {@link SeekableByteChannel} over a Flink file system's input stream, so that zip
 * archives on any Flink file system (local, S3, HDFS) are read by their central directory.
 */
final class FsSeekableChannel implements SeekableByteChannel {
    private final FSDataInputStream in;
    private final long size;
    private final byte[] buffer = new byte[64 * 1024];
    private boolean open = true;

    FsSeekableChannel(FSDataInputStream in, long size) {
        this.in = in;
        this.size = size;
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        ensureOpen();
        if (in.getPos() >= size) {
            return -1;
        }
        int want = Math.min(dst.remaining(), buffer.length);
        int n = in.read(buffer, 0, want);
        if (n > 0) {
            dst.put(buffer, 0, n);
        }
        return n;
    }

    @Override
    public long position() throws IOException {
        ensureOpen();
        return in.getPos();
    }

    @Override
    public SeekableByteChannel position(long position) throws IOException {
        ensureOpen();
        if (position < 0) {
            throw new IllegalArgumentException("negative position " + position);
        }
        in.seek(Math.min(position, size));
        return this;
    }

    @Override
    public long size() throws IOException {
        ensureOpen();
        return size;
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public SeekableByteChannel truncate(long size) {
        throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() throws IOException {
        if (open) {
            open = false;
            in.close();
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}
