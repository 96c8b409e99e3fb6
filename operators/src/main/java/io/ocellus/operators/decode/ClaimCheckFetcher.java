package io.ocellus.operators.decode;

import io.ocellus.schemas.ClaimCheck;
import io.ocellus.schemas.ReasonCode;
import java.io.Closeable;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

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

    ClaimCheckFetcher(long maxBytes, List<String> roots) {
        this.maxBytes = maxBytes;
        this.roots = new ClaimCheckRoots(roots);
    }

    byte[] fetch(ClaimCheck check) throws FetchException {
        String location = check.getUri();
        ArchiveEntryFetch.EntryRef entry =
                ArchiveEntryFetch.handles(location)
                        ? ArchiveEntryFetch.split(parse(location))
                        : null;
        URI uri = allowed(entry != null ? entry.archive() : location);
        if (check.getSizeBytes() != null && check.getSizeBytes() > maxBytes) {
            throw tooLarge(location, check.getSizeBytes());
        }
        byte[] bytes =
                entry != null ? archives.read(entry, uri, maxBytes, location) : file(uri, location);
        if (check.getSizeBytes() != null && check.getSizeBytes() != bytes.length) {
            throw new FetchException(
                    ReasonCode.CLAIM_CHECK_MISMATCH,
                    String.format(
                            Locale.ROOT,
                            "%s has %d bytes, the frame declares %d",
                            location,
                            bytes.length,
                            check.getSizeBytes()));
        }
        if (check.getSha256() != null) {
            String actual = sha256(bytes);
            if (!actual.equalsIgnoreCase(check.getSha256())) {
                throw new FetchException(
                        ReasonCode.CLAIM_CHECK_MISMATCH,
                        String.format(
                                "%s has SHA-256 %s, the frame declares %s",
                                location, actual, check.getSha256()));
            }
        }
        return bytes;
    }

    /** A file of a Flink file system. */
    private byte[] file(URI uri, String location) throws FetchException {
        try {
            Path path = new Path(uri);
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
                throw new FetchException(
                        ReasonCode.CLAIM_CHECK_TOO_LARGE,
                        location + " grew past the limit of " + maxBytes + " bytes as it was read");
            }
            return bytes;
        } catch (FileNotFoundException e) {
            throw new FetchException(ReasonCode.CLAIM_CHECK_MISSING, "no object at " + location);
        } catch (IOException | RuntimeException e) {
            throw new FetchException(
                    ReasonCode.CLAIM_CHECK_UNREADABLE,
                    "cannot read " + location + ": " + e.getMessage());
        }
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

    /** Closes the archives kept open. */
    @Override
    public void close() {
        archives.close();
    }

    /** The URI, when it lies under a root; no relative paths, no climbing out with "..". */
    private URI allowed(String location) throws FetchException {
        URI uri;
        try {
            uri = roots.find(location);
        } catch (URISyntaxException e) {
            throw new FetchException(
                    ReasonCode.CLAIM_CHECK_NOT_ALLOWED,
                    "not a URI: " + location + " (" + e.getReason() + ")");
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
