package io.ocellus.pipeline.archive;

import io.ocellus.operators.decode.ArchiveEntryFetch;
import io.ocellus.schemas.ImageFrame;
import io.ocellus.schemas.ReasonCode;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.Locale;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * The entries of one input file, read one at a time through Flink's file systems: the file itself
 * when it is an image (or anything else: what is not an image is found out by the decoder), the
 * file entries of a zip or tar(.gz) archive, or the records of an Avro container file of {@link
 * ImageFrame}s.
 *
 * <p>Every entry comes out exactly once, as bytes or as a failure with a reason: an entry that
 * cannot be read ({@code ENTRY_UNREADABLE}), is over the byte limit ({@code TOO_LARGE}, never read
 * past it) or is compressed in a way that cannot be read ({@code UNSUPPORTED_COMPRESSION}). An
 * archive that cannot be opened, or whose stream breaks (a truncated tar.gz), ends with one failure
 * for the archive ({@code ARCHIVE_UNREADABLE}) named {@value #ARCHIVE_ENTRY}: what follows the
 * break cannot be told apart. Counting and reading walk the same code, so the totals a run plans
 * with are the entries it emits.
 *
 * <p>Names: {@code sourceId} is the archive's URI, or for a plain file its folder's; {@code
 * frameId} is the entry's name in the archive, or the file's name. Frames from Avro files keep
 * their own ids, the file's URI in front of the {@code sourceId}: {@code <avro uri>!<source id>}.
 */
public final class ArchiveEntries implements Closeable {
    /** The entry name of a failure that stands for the rest of an archive. */
    public static final String ARCHIVE_ENTRY = "(archive)";

    /** One entry: its frame (with its bytes, or a claim check to them), or why it is not read. */
    public record Entry(ImageFrame frame, ReasonCode failureReason, String failureMessage) {
        public boolean failed() {
            return failureReason != null;
        }
    }

    /** The kinds of input file, told by the name. */
    public enum Kind {
        ZIP,
        TAR,
        TAR_GZ,
        AVRO,
        FILE;

        public static Kind of(String name) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.endsWith(".zip")) {
                return ZIP;
            } else if (lower.endsWith(".tar")) {
                return TAR;
            } else if (lower.endsWith(".tar.gz") || lower.endsWith(".tgz")) {
                return TAR_GZ;
            } else if (lower.endsWith(".avro")) {
                return AVRO;
            }
            return FILE;
        }
    }

    interface Cursor extends Closeable {
        /** The next entry, null at the end. */
        Entry next() throws IOException;
    }

    private final Path path;
    private final String uri;
    private final long maxBytes;
    private final boolean withBytes;
    private final boolean referenced;
    private final EntryFactory make;
    private Cursor cursor;
    private boolean done;

    private ArchiveEntries(Path path, long maxBytes, boolean withBytes, boolean referenced) {
        this.path = path;
        this.uri = path.toUri().toString();
        this.maxBytes = maxBytes;
        this.withBytes = withBytes;
        this.referenced = referenced;
        this.make = new EntryFactory(maxBytes, withBytes);
    }

    /**
     * Opens {@code path}; entries over {@code maxBytes} are failures. Never throws for a broken
     * file: that is an entry.
     */
    public static ArchiveEntries open(Path path, long maxBytes) {
        return new ArchiveEntries(path, maxBytes, true, false);
    }

    /**
     * As {@link #open}, except that a plain file within {@code maxBytes}, or an entry of a zip or
     * plain tar within it and alone with its name, is not read: its frame carries a claim check
     * (the file's URI or the entry's, {@link ArchiveEntryFetch}, and the size) for the decoding
     * task to fetch, so that its bytes cross no exchange. A tar.gz and Avro files are read as
     * {@link #open} reads them. For local files, which the decoding task reads as cheaply.
     */
    public static ArchiveEntries referenced(Path path, long maxBytes) {
        return new ArchiveEntries(path, maxBytes, true, true);
    }

    /**
     * The entries {@link #open} would give, with their names but without their bytes, reading no
     * more than it needs to (a zip's central directory, a tar's headers).
     */
    public static ArchiveEntries names(Path path) {
        return new ArchiveEntries(path, Long.MAX_VALUE, false, false);
    }

    /** The {@code sourceId} of a plain file's entries: its folder's URI. */
    public static String folderOf(Path file) {
        return file.getParent().toUri().toString();
    }

    /**
     * Where an entry's bytes are, as one URI: {@code <archive>!/<entry>} for archive entries, the
     * file's URI for plain files.
     */
    public static String locator(String sourceId, String frameId) {
        int bang = sourceId.indexOf('!');
        String container = bang < 0 ? sourceId : sourceId.substring(0, bang);
        if (Kind.of(container) == Kind.FILE) {
            return container.endsWith("/") ? container + frameId : container + "/" + frameId;
        }
        return container
                + "!/"
                + (bang < 0 ? frameId : sourceId.substring(bang + 1) + "/" + frameId);
    }

    /** The file to open to find an entry again: the archive, or the plain file itself. */
    public static String container(String sourceId, String frameId) {
        int bang = sourceId.indexOf('!');
        String container = bang < 0 ? sourceId : sourceId.substring(0, bang);
        return Kind.of(container) == Kind.FILE ? locator(sourceId, frameId) : container;
    }

    /** The next entry, or null when there are no more. */
    public Entry next() throws IOException {
        if (done) {
            return null;
        }
        try {
            if (cursor == null) {
                cursor = openCursor();
            }
            Entry entry = cursor.next();
            if (entry == null) {
                done = true;
            }
            return entry;
        } catch (IOException | RuntimeException e) {
            // The archive as a whole is broken from here: one failure for the rest, then stop.
            done = true;
            return EntryFactory.failure(
                    uri,
                    ARCHIVE_ENTRY,
                    0L,
                    ReasonCode.ARCHIVE_UNREADABLE,
                    "cannot read " + uri + " any further: " + EntryFactory.describe(e));
        }
    }

    @Override
    public void close() throws IOException {
        if (cursor != null) {
            cursor.close();
        }
    }

    private Cursor openCursor() throws IOException {
        FileSystem fs = path.getFileSystem();
        FileStatus status = fs.getFileStatus(path);
        return switch (Kind.of(path.getName())) {
            case ZIP -> new ZipCursor(fs, status);
            case TAR -> {
                Cursor claims =
                        referenced
                                ? TarClaimCursor.open(fs, status, path, uri, maxBytes, make)
                                : null;
                yield claims != null
                        ? claims
                        : new TarCursor(new TarArchiveInputStream(fs.open(path)));
            }
            case TAR_GZ ->
                    new TarCursor(
                            new TarArchiveInputStream(
                                    GzipCompressorInputStream.builder()
                                            .setInputStream(fs.open(path))
                                            .setDecompressConcatenated(true)
                                            .get()));
            case AVRO -> new AvroCursor(fs.open(path), uri, withBytes, maxBytes, make);
            case FILE -> new FileCursor(fs, status);
        };
    }

    /** A plain file: one entry. */
    private final class FileCursor implements Cursor {
        private final FileSystem fs;
        private final FileStatus status;
        private boolean read;

        FileCursor(FileSystem fs, FileStatus status) {
            this.fs = fs;
            this.status = status;
        }

        @Override
        public Entry next() throws IOException {
            if (read) {
                return null;
            }
            read = true;
            String source = folderOf(path);
            String name = path.getName();
            long time = status.getModificationTime();
            if (status.getLen() > maxBytes || !withBytes) {
                return make.image(
                        source, name, time, InputStream.nullInputStream(), status.getLen());
            }
            if (referenced) {
                return make.claimed(source, name, time, uri, status.getLen());
            }
            try (InputStream in = fs.open(path)) {
                return make.image(source, name, time, in, status.getLen());
            } catch (IOException e) {
                return EntryFactory.unreadable(source, name, time, "cannot read", e);
            }
        }

        @Override
        public void close() {}
    }

    /** A zip archive, read by its central directory: a corrupt entry spoils only itself. */
    private final class ZipCursor implements Cursor {
        private final ZipFile zip;
        private final Enumeration<ZipArchiveEntry> entries;

        ZipCursor(FileSystem fs, FileStatus status) throws IOException {
            zip =
                    ZipFile.builder()
                            .setSeekableByteChannel(
                                    new FsSeekableChannel(fs.open(path), status.getLen()))
                            .setIgnoreLocalFileHeader(false)
                            .get();
            entries = zip.getEntriesInPhysicalOrder();
        }

        @Override
        public Entry next() {
            while (entries.hasMoreElements()) {
                ZipArchiveEntry entry = entries.nextElement();
                if (entry.isDirectory()) {
                    continue;
                }
                String name = entry.getName();
                long time = entry.getTime();
                if (!zip.canReadEntryData(entry)) {
                    return EntryFactory.unsupported(uri, time, entry);
                }
                if (!withBytes) {
                    return new Entry(EntryFactory.bare(uri, name, time), null, null);
                }
                if (referenced && claimable(entry)) {
                    return make.claimed(
                            uri, name, time, ArchiveEntryFetch.zipUri(uri, name), entry.getSize());
                }
                try (InputStream in = zip.getInputStream(entry)) {
                    return make.image(uri, name, time, in, entry.getSize());
                } catch (IOException | RuntimeException e) {
                    return EntryFactory.unreadable(uri, name, time, "corrupt entry", e);
                }
            }
            return null;
        }

        /**
         * Whether a claim check can point at this entry: a known size within the limit, and no
         * other entry with its name (the fetcher finds an entry by name).
         */
        private boolean claimable(ZipArchiveEntry entry) {
            Iterator<ZipArchiveEntry> named = zip.getEntries(entry.getName()).iterator();
            boolean unique = named.hasNext() && named.next() != null && !named.hasNext();
            return unique && entry.getSize() >= 0 && entry.getSize() <= maxBytes;
        }

        @Override
        public void close() throws IOException {
            zip.close();
        }
    }

    /** A tar stream, plain or gzipped: read in order; a broken stream ends the archive. */
    private final class TarCursor implements Cursor {
        private final TarArchiveInputStream tar;

        TarCursor(TarArchiveInputStream tar) {
            this.tar = tar;
        }

        @Override
        public Entry next() throws IOException {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                if (!entry.isFile()) {
                    continue; // folders, links, devices: not entries
                }
                long time = entry.getModTime().getTime();
                if (!withBytes) {
                    return new Entry(EntryFactory.bare(uri, entry.getName(), time), null, null);
                }
                String name = entry.getName();
                Entry read;
                try {
                    read = make.image(uri, name, time, tar, entry.getSize());
                } catch (IOException e) {
                    // The entry is lost; whether the stream goes on is for the next header to tell,
                    // as it is when counting (which skips the same bytes).
                    return EntryFactory.unreadable(uri, name, time, "cannot read", e);
                }
                if (read.frame().getImage() != null
                        && read.frame().getImage().remaining() < entry.getSize()) {
                    return EntryFactory.failure(
                            uri,
                            name,
                            time,
                            ReasonCode.ENTRY_UNREADABLE,
                            String.format(
                                    Locale.ROOT,
                                    "cut short: %d of %d bytes",
                                    read.frame().getImage().remaining(),
                                    entry.getSize()));
                }
                return read;
            }
            return null;
        }

        @Override
        public void close() throws IOException {
            tar.close();
        }
    }
}
