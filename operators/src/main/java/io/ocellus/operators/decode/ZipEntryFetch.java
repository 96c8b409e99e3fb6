package io.ocellus.operators.decode;

import io.ocellus.schemas.ReasonCode;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * Claim checks that name an entry of a zip archive on the local file system, in the {@code jar:}
 * form Java uses for such entries: {@code jar:file:/data/photos.zip!/2019/a%20b.jpg}. The archive
 * must lie under a claim-check root; the entry is found by its name in the central directory (a
 * name held by several entries is refused), and never read past the byte limit. The last few
 * archives stay open, so that a run through one archive parses its directory once.
 */
public final class ZipEntryFetch implements Closeable {
    /** The scheme of claim checks to zip entries. */
    static final String SCHEME = "jar";

    private static final int OPEN_ARCHIVES = 4;

    ZipEntryFetch() {}

    private final Map<Path, ZipFile> open = new LinkedHashMap<>(8, 0.75f, true);

    /**
     * The claim-check URI of entry {@code name} of the zip archive at {@code archive} (a {@code
     * file:} URI): {@code jar:<archive>!/<name>}, the name's characters escaped as a URI path's
     * are, and any {@code !} in the archive's URI escaped so that the first {@code !/} is the
     * separator.
     */
    public static String uri(String archive, String name) {
        try {
            String entry = new URI(null, null, "/" + name, null).getRawPath();
            return SCHEME + ":" + archive.replace("!", "%21") + "!" + entry;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("entry name " + name + " cannot be in a URI", e);
        }
    }

    /** The archive's URI (raw) and the entry's name (decoded) of a {@code jar:} claim check. */
    static String[] split(URI uri) throws ClaimCheckFetcher.FetchException {
        String part = uri.getRawSchemeSpecificPart();
        int bang = part == null ? -1 : part.indexOf("!/");
        if (bang <= 0 || bang + 2 == part.length()) {
            throw new ClaimCheckFetcher.FetchException(
                    ReasonCode.CLAIM_CHECK_NOT_ALLOWED,
                    "not a zip entry (jar:<archive URI>!/<entry>): " + uri);
        }
        String entry = URI.create("/" + part.substring(bang + 2)).getPath().substring(1);
        return new String[] {part.substring(0, bang), entry};
    }

    /**
     * Reads entry {@code name} of the local archive {@code archive}.
     *
     * @param location the claim check's URI, for messages
     */
    byte[] read(URI archive, String name, long maxBytes, String location)
            throws ClaimCheckFetcher.FetchException {
        ZipFile zip = archive(archive, location);
        List<ZipArchiveEntry> entries = new ArrayList<>();
        zip.getEntries(name).forEach(entries::add);
        if (entries.size() != 1) {
            throw new ClaimCheckFetcher.FetchException(
                    ReasonCode.CLAIM_CHECK_MISSING,
                    entries.isEmpty()
                            ? "no entry " + name + " in " + archive
                            : entries.size() + " entries named " + name + " in " + archive);
        }
        ZipArchiveEntry entry = entries.get(0);
        if (entry.isDirectory() || !zip.canReadEntryData(entry)) {
            throw new ClaimCheckFetcher.FetchException(
                    ReasonCode.CLAIM_CHECK_UNREADABLE,
                    entry.isDirectory()
                            ? location + " is a folder"
                            : location
                                    + " is compressed with method "
                                    + entry.getMethod()
                                    + " or encrypted, which cannot be read");
        }
        if (entry.getSize() > maxBytes) {
            throw new ClaimCheckFetcher.FetchException(
                    ReasonCode.CLAIM_CHECK_TOO_LARGE,
                    String.format(
                            Locale.ROOT,
                            "%s has %d bytes, over the limit of %d",
                            location,
                            entry.getSize(),
                            maxBytes));
        }
        byte[] bytes;
        try (InputStream in = zip.getInputStream(entry)) {
            bytes = BoundedRead.readAtMost(in, maxBytes, entry.getSize());
        } catch (IOException | RuntimeException e) {
            // What the archive job calls a corrupt entry when it reads the archive itself.
            throw new ClaimCheckFetcher.FetchException(
                    ReasonCode.ENTRY_UNREADABLE,
                    "corrupt entry "
                            + location
                            + ": "
                            + e.getClass().getSimpleName()
                            + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
        if (bytes == null) {
            throw new ClaimCheckFetcher.FetchException(
                    ReasonCode.CLAIM_CHECK_TOO_LARGE,
                    location + " inflates past the limit of " + maxBytes + " bytes");
        }
        return bytes;
    }

    private ZipFile archive(URI archive, String location) throws ClaimCheckFetcher.FetchException {
        if (!"file".equalsIgnoreCase(archive.getScheme())) {
            throw new ClaimCheckFetcher.FetchException(
                    ReasonCode.CLAIM_CHECK_NOT_ALLOWED,
                    "zip entries are fetched from local archives (file:) only: " + location);
        }
        Path path;
        try {
            path = Path.of(archive);
        } catch (IllegalArgumentException e) {
            throw new ClaimCheckFetcher.FetchException(
                    ReasonCode.CLAIM_CHECK_NOT_ALLOWED,
                    "not a local file: " + archive + " (" + e.getMessage() + ")");
        }
        ZipFile zip = open.get(path);
        if (zip != null) {
            return zip;
        }
        try {
            zip = ZipFile.builder().setPath(path).get();
        } catch (NoSuchFileException e) {
            throw new ClaimCheckFetcher.FetchException(
                    ReasonCode.CLAIM_CHECK_MISSING, "no archive at " + archive);
        } catch (IOException | RuntimeException e) {
            throw new ClaimCheckFetcher.FetchException(
                    ReasonCode.CLAIM_CHECK_UNREADABLE,
                    "cannot open " + archive + " as a zip archive: " + e.getMessage());
        }
        open.put(path, zip);
        if (open.size() > OPEN_ARCHIVES) {
            Map.Entry<Path, ZipFile> eldest = open.entrySet().iterator().next();
            open.remove(eldest.getKey());
            closeQuietly(eldest.getValue());
        }
        return zip;
    }

    @Override
    public void close() {
        open.values().forEach(ZipEntryFetch::closeQuietly);
        open.clear();
    }

    private static void closeQuietly(ZipFile zip) {
        try {
            zip.close();
        } catch (IOException e) {
            // read-only: nothing is lost
        }
    }
}
