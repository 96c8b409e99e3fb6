package io.ocellus.operators.decode;

import io.ocellus.schemas.ClaimCheck;
import io.ocellus.schemas.ReasonCode;
import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;

/**
 * Fetches claim-checked images through Flink's file systems ({@code file://}, and {@code s3://},
 * {@code hdfs://} and others where their plugin is installed), or entries of local zip and tar
 * archives ({@code jar:file:/data/photos.zip!/2019/a.jpg}, {@code tar:file:/data/shard.tar!/a.jpg},
 * {@link ArchiveEntryFetch}), only under the configured roots and never past the byte limit. The
 * declared size and SHA-256, when present, are checked.
 */
final class ClaimCheckFetcher implements Closeable {
    /** Why a fetch failed: the reason code and a message. */
    static final class FetchException extends Exception {
        private static final long serialVersionUID = 1L;

        private final ReasonCode reason;

        FetchException(ReasonCode reason, String message) {
            super(message);
            this.reason = reason;
        }

        ReasonCode reason() {
            return reason;
        }
    }

    private final long maxBytes;
    private final ClaimCheckRoots roots;
    private final ArchiveEntryFetch archives = new ArchiveEntryFetch();
    private final ReentrantLock lock = new ReentrantLock();

    ClaimCheckFetcher(long maxBytes, List<String> roots) {
        this.maxBytes = maxBytes;
        this.roots = new ClaimCheckRoots(roots);
    }

    /** Claim checks longer than this are refused unread. */
    static final int MAX_URI_CHARS = 8192;

    /**
     * The claim-checked image.
     *
     * @throws FetchException for a fault of the claim check: refused, missing, too large,
     *     mismatched, unreadable; its message names the claim check and nothing outside the roots
     */
    byte[] fetch(ClaimCheck check) throws FetchException, InterruptedException {
        lock.lockInterruptibly(); // an abandoned fetch may still be running on another thread
        try {
            return fetchLocked(check);
        } finally {
            lock.unlock();
        }
    }

    private byte[] fetchLocked(ClaimCheck check) throws FetchException {
        String location = check.getUri();
        if (location.length() > MAX_URI_CHARS) {
            throw new FetchException(
                    ReasonCode.CLAIM_CHECK_NOT_ALLOWED,
                    String.format(
                            Locale.ROOT,
                            "a claim check of %d characters, over the limit of %d",
                            location.length(),
                            MAX_URI_CHARS));
        }
        ArchiveEntryFetch.EntryRef entry =
                ArchiveEntryFetch.handles(location)
                        ? ArchiveEntryFetch.split(parse(location))
                        : null;
        URI uri = allowed(entry != null ? entry.archive() : location, location);
        if (check.getSizeBytes() != null && check.getSizeBytes() > maxBytes) {
            throw tooLarge(location, check.getSizeBytes());
        }
        Path local = "file".equalsIgnoreCase(uri.getScheme()) ? realPath(uri, location) : null;
        byte[] bytes;
        if (entry != null) {
            if (local == null) {
                throw new FetchException(
                        ReasonCode.CLAIM_CHECK_NOT_ALLOWED,
                        "archive entries are fetched from local archives (file:) only: "
                                + location);
            }
            bytes = archives.read(entry, local, maxBytes, location);
        } else {
            bytes = local != null ? localFile(local, location) : file(uri, location);
        }
        if (check.getSizeBytes() != null && check.getSizeBytes() != bytes.length) {
            throw new FetchException(
                    ReasonCode.CLAIM_CHECK_MISMATCH,
                    String.format(
                            Locale.ROOT,
                            "%s is not of the %d bytes the frame declares",
                            location,
                            check.getSizeBytes()));
        }
        if (check.getSha256() != null && !sha256(bytes).equalsIgnoreCase(check.getSha256())) {
            throw new FetchException(
                    ReasonCode.CLAIM_CHECK_MISMATCH,
                    location + " does not have the SHA-256 the frame declares");
        }
        return bytes;
    }

    /**
     * The real path of an allowed local location; refused when a symbolic link leads out of the
     * roots.
     */
    private Path realPath(URI uri, String location) throws FetchException {
        Path real;
        try {
            real = roots.realPath(uri);
        } catch (NoSuchFileException e) {
            throw new FetchException(ReasonCode.CLAIM_CHECK_MISSING, "no object at " + location);
        } catch (IOException e) {
            throw new FetchException(
                    ReasonCode.CLAIM_CHECK_UNREADABLE, "cannot resolve " + location);
        }
        if (real == null) {
            throw new FetchException(
                    ReasonCode.CLAIM_CHECK_NOT_ALLOWED,
                    location + " leads out of the claim-check roots " + roots);
        }
        return real;
    }

    /** A local regular file, by its real path. */
    private byte[] localFile(Path path, String location) throws FetchException {
        try {
            BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
            if (attributes.isDirectory()) {
                throw new FetchException(
                        ReasonCode.CLAIM_CHECK_MISSING, location + " is a directory");
            }
            if (!attributes.isRegularFile()) { // a FIFO would block the task; a device never ends
                throw new FetchException(
                        ReasonCode.CLAIM_CHECK_UNREADABLE, location + " is not a regular file");
            }
            if (attributes.size() > maxBytes) {
                throw tooLarge(location, attributes.size());
            }
            byte[] bytes;
            try (InputStream in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS)) {
                bytes = BoundedRead.readAtMost(in, maxBytes, attributes.size());
            }
            if (bytes == null) {
                throw grew(location);
            }
            return bytes;
        } catch (NoSuchFileException e) {
            throw new FetchException(ReasonCode.CLAIM_CHECK_MISSING, "no object at " + location);
        } catch (IOException e) {
            throw new FetchException(
                    ReasonCode.CLAIM_CHECK_UNREADABLE,
                    "cannot read " + location + ": " + e.getClass().getSimpleName());
        }
    }

    /** A file of a Flink file system other than the local one. */
    private byte[] file(URI uri, String location) throws FetchException {
        try {
            org.apache.flink.core.fs.Path path = new org.apache.flink.core.fs.Path(uri);
            FileSystem fs = path.getFileSystem();
            FileStatus status = fs.getFileStatus(path);
            if (status.isDir()) {
                throw new FetchException(
                        ReasonCode.CLAIM_CHECK_MISSING, location + " is a directory");
            }
            if (status.getLen() > maxBytes) {
                throw tooLarge(location, status.getLen());
            }
            byte[] bytes;
            try (InputStream in = fs.open(path)) {
                bytes = BoundedRead.readAtMost(in, maxBytes, status.getLen());
            }
            if (bytes == null) {
                throw grew(location);
            }
            return bytes;
        } catch (FileNotFoundException e) {
            throw new FetchException(ReasonCode.CLAIM_CHECK_MISSING, "no object at " + location);
        } catch (IOException | IllegalArgumentException e) {
            // Flink's file systems: an unsupported scheme, a missing plugin, a refused request.
            throw new FetchException(
                    ReasonCode.CLAIM_CHECK_UNREADABLE,
                    "cannot read " + location + ": " + e.getMessage());
        }
    }

    private FetchException grew(String location) {
        return new FetchException(
                ReasonCode.CLAIM_CHECK_TOO_LARGE,
                location + " grew past the limit of " + maxBytes + " bytes as it was read");
    }

    private static URI parse(String location) throws FetchException {
        try {
            return new URI(location);
        } catch (URISyntaxException e) {
            throw new FetchException(
                    ReasonCode.CLAIM_CHECK_NOT_ALLOWED,
                    "not a URI: " + location + " (" + e.getReason() + ")");
        }
    }

    /**
     * Closes the archives kept open, unless a fetch blocked for good still holds them (they are
     * read-only and left to the collector then).
     */
    @Override
    public void close() {
        try {
            if (lock.tryLock(1, TimeUnit.SECONDS)) {
                try {
                    archives.close();
                } finally {
                    lock.unlock();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The URI of {@code target} (the claim check, or the archive it names), when it lies under a
     * root by its text.
     */
    private URI allowed(String target, String location) throws FetchException {
        URI uri;
        try {
            uri = roots.find(target);
        } catch (URISyntaxException e) {
            throw new FetchException(
                    ReasonCode.CLAIM_CHECK_NOT_ALLOWED,
                    "refused " + location + ": " + e.getReason());
        }
        if (uri != null) {
            return uri;
        }
        throw new FetchException(
                ReasonCode.CLAIM_CHECK_NOT_ALLOWED,
                roots.isEmpty()
                        ? "claim checks are off (no claim-check root is configured): " + location
                        : location + " is not under a claim-check root " + roots);
    }

    private FetchException tooLarge(String location, long size) {
        return new FetchException(
                ReasonCode.CLAIM_CHECK_TOO_LARGE,
                String.format(
                        Locale.ROOT,
                        "%s has %d bytes, over the limit of %d",
                        location,
                        size,
                        maxBytes));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
