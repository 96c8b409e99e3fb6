package io.ocellus.pipeline.archive;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Locale;
import org.apache.flink.core.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One run at a time per local results folder: an operating-system lock on {@code
 * DIR/_ocellus-run.lock}, held while the run writes. The system drops the lock when the process
 * ends, however it ends, so a run killed with {@code kill -9} leaves nothing stuck and the same
 * command resumes. The file names the holder (run id, process, host, start), which is what a second
 * run is told. Folders on other file systems (S3, HDFS) cannot be locked this way: the run logs a
 * warning and goes on. Close to release; safe to close twice.
 */
public final class RunLock implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RunLock.class);

    /** The lock file's name in the results folder. */
    public static final String FILE = "_ocellus-run.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private RunLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the lock of {@code folder} for run {@code runId}, creating the folder.
     *
     * @throws IllegalStateException naming the run that holds it
     * @throws IOException when the lock file cannot be written
     */
    public static RunLock acquire(Path folder, String runId) throws IOException {
        if (!"file".equals(folder.toUri().getScheme()) && folder.toUri().getScheme() != null) {
            LOG.warn(
                    "{} is not on the local file system: it cannot be locked, so make sure no"
                            + " other run writes into it",
                    folder);
            return new RunLock(null, null);
        }
        java.nio.file.Path dir = java.nio.file.Path.of(folder.toUri().getPath());
        Files.createDirectories(dir);
        java.nio.file.Path file = dir.resolve(FILE);
        FileChannel channel =
                FileChannel.open(
                        file,
                        StandardOpenOption.CREATE,
                        StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null; // held by this process
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            String holder = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).strip();
            channel.close();
            throw new IllegalStateException(
                    String.format(
                            Locale.ROOT,
                            "%s is being written by another run (%s); wait for it to end, or"
                                    + " write into another folder",
                            folder,
                            holder.isEmpty() ? "holder unknown" : holder));
        }
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(holder(runId).getBytes(StandardCharsets.UTF_8)));
        channel.force(false);
        return new RunLock(channel, lock);
    }

    private static String holder(String runId) {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown host";
        }
        return String.format(
                Locale.ROOT,
                "run %s, process %d on %s, since %s",
                runId,
                ProcessHandle.current().pid(),
                host,
                Instant.now());
    }

    @Override
    public synchronized void close() throws IOException {
        if (channel != null && channel.isOpen()) {
            try {
                lock.release();
            } finally {
                channel.close();
            }
        }
    }
}
