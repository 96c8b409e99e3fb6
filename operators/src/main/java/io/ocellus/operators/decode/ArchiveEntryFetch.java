package io.ocellus.operators.decode;

import io.ocellus.schemas.ReasonCode;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.compress.archivers.ArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * Claim checks that name an entry of a zip archive or a plain tar on the local file system: {@code
 * jar:file:/data/photos.zip!/2019/a%20b.jpg} (the form Java uses for zip entries) and {@code
 * tar:file:/data/shard-0001.tar!/a.jpg}. The archive must lie under a claim-check root; the entry
 * is found by its name (a zip's central directory, a tar's headers; a name held by several entries
 * is refused), and never read past the byte limit. The last few archives stay open, so that a run
 * through one archive parses its directory once; a tar of more than {@link
 * HeaderBudgetChannel#MAX_ENTRIES} entries is refused (its headers would take too much heap).
 */
public final class ArchiveEntryFetch implements Closeable {
    /** The scheme of claim checks to zip entries. */
    static final String ZIP = "jar";

    /** The scheme of claim checks to entries of plain (not compressed) tar archives. */
    static final String TAR = "tar";

    private static final int OPEN_ARCHIVES = 4;

    /** A claim check's parts: the scheme, the archive's URI (raw) and the entry's name. */
    record EntryRef(String scheme, String archive, String entry) {}

    /** An open archive: its entries by name, and a way to read one. */
    private interface Archive extends Closeable {
        List<? extends ArchiveEntry> named(String name);

        /** Why the entry cannot be read, or null when it can. */
        String unreadable(ArchiveEntry entry);

        InputStream open(ArchiveEntry entry) throws IOException;
    }

    private final Map<String, Archive> open = new LinkedHashMap<>(8, 0.75f, true);

    ArchiveEntryFetch() {}

    /** The claim-check URI of entry {@code name} of the zip archive at {@code archive}. */
    public static String zipUri(String archive, String name) {
        return uri(ZIP, archive, name);
    }

    /** The claim-check URI of entry {@code name} of the plain tar at {@code archive}. */
    public static String tarUri(String archive, String name) {
        return uri(TAR, archive, name);
    }

    /**
     * {@code <scheme>:<archive>!/<name>}: the name's characters escaped as a URI path's are, and
     * any {@code !} in the archive's URI (a {@code file:} URI) escaped so that the first {@code !/}
     * is the separator.
     */
    private static String uri(String scheme, String archive, String name) {
        try {
            String entry = new URI(null, null, "/" + name, null).getRawPath();
            return scheme + ":" + archive.replace("!", "%21") + "!" + entry;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("entry name " + name + " cannot be in a URI", e);
        }
    }

    /** Whether {@code location} is a claim check to an archive's entry. */
    static boolean handles(String location) {
        return location.regionMatches(true, 0, ZIP + ":", 0, 4)
                || location.regionMatches(true, 0, TAR + ":", 0, 4);
    }

    /**
     * The parts of an archive entry's claim check: the archive's URI (checked against the roots by
     * the caller) and the entry's name, decoded. The name is only looked up among the archive's
     * entries, never used as a path, so any name an archive can hold may be asked for.
     */
    static EntryRef split(URI uri) throws ClaimCheckFetcher.FetchException {
        String part = uri.getRawSchemeSpecificPart();
        int bang = part == null ? -1 : part.indexOf("!/");
        if (bang <= 0 || bang + 2 == part.length() || uri.getRawFragment() != null) {
            throw new ClaimCheckFetcher.FetchException(
                    ReasonCode.CLAIM_CHECK_NOT_ALLOWED,
                    "not an archive entry (jar: or tar:<archive URI>!/<entry>): " + uri);
        }
        try {
            String entry = ClaimCheckRoots.decode(part, part.substring(bang + 2));
            return new EntryRef(
                    uri.getScheme().toLowerCase(Locale.ROOT), part.substring(0, bang), entry);
        } catch (URISyntaxException e) {
            throw new ClaimCheckFetcher.FetchException(
                    ReasonCode.CLAIM_CHECK_NOT_ALLOWED,
                    "refused entry name in " + uri + ": " + e.getReason());
        }
    }

    /**
     * Reads the entry of {@code ref} from {@code archive}, the real path of its archive as allowed.
     *
     * @param location the claim check's URI, for messages
     */
    byte[] read(EntryRef ref, Path archive, long maxBytes, String location)
            throws ClaimCheckFetcher.FetchException {
        Archive opened = archive(ref.scheme(), archive, location);
        List<? extends ArchiveEntry> entries = opened.named(ref.entry());
        if (entries.size() != 1) {
            throw new ClaimCheckFetcher.FetchException(
                    ReasonCode.CLAIM_CHECK_MISSING,
                    entries.isEmpty()
                            ? "no entry " + ref.entry() + " in the archive of " + location
                            : entries.size() + " entries named " + ref.entry() + " in " + location);
        }
        ArchiveEntry entry = entries.get(0);
        String unreadable = entry.isDirectory() ? "is a folder" : opened.unreadable(entry);
        if (unreadable != null) {
            throw new ClaimCheckFetcher.FetchException(
                    ReasonCode.CLAIM_CHECK_UNREADABLE, location + " " + unreadable);
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
        try (InputStream in = opened.open(entry)) {
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
        if (bytes.length < entry.getSize()) {
            throw new ClaimCheckFetcher.FetchException(
                    ReasonCode.ENTRY_UNREADABLE,
                    String.format(
                            Locale.ROOT,
                            "%s is cut short: %d of %d bytes",
                            location,
                            bytes.length,
                            entry.getSize()));
        }
        return bytes;
    }

    private Archive archive(String scheme, Path path, String location)
            throws ClaimCheckFetcher.FetchException {
        String key = scheme + ":" + path;
        Archive opened = open.get(key);
        if (opened != null) {
            return opened;
        }
        try {
            opened = TAR.equals(scheme) ? Tar.open(path) : new Zip(path);
        } catch (NoSuchFileException e) {
            throw new ClaimCheckFetcher.FetchException(
                    ReasonCode.CLAIM_CHECK_MISSING, "no archive at " + location);
        } catch (IOException | RuntimeException e) {
            throw new ClaimCheckFetcher.FetchException(
                    ReasonCode.CLAIM_CHECK_UNREADABLE,
                    "cannot open the archive of "
                            + location
                            + " as a "
                            + (TAR.equals(scheme) ? "tar" : "zip")
                            + " archive: "
                            + e.getMessage());
        }
        open.put(key, opened);
        if (open.size() > OPEN_ARCHIVES) {
            Map.Entry<String, Archive> eldest = open.entrySet().iterator().next();
            open.remove(eldest.getKey());
            closeQuietly(eldest.getValue());
        }
        return opened;
    }

    @Override
    public void close() {
        open.values().forEach(ArchiveEntryFetch::closeQuietly);
        open.clear();
    }

    private static void closeQuietly(Closeable archive) {
        try {
            archive.close();
        } catch (IOException e) {
            // read-only: nothing is lost
        }
    }

    /** A zip archive, by its central directory. */
    private static final class Zip implements Archive {
        private final ZipFile zip;

        Zip(Path path) throws IOException {
            zip = ZipFile.builder().setPath(path).get();
        }

        @Override
        public List<? extends ArchiveEntry> named(String name) {
            List<ZipArchiveEntry> entries = new ArrayList<>();
            zip.getEntries(name).forEach(entries::add);
            return entries;
        }

        @Override
        public String unreadable(ArchiveEntry entry) {
            ZipArchiveEntry zipped = (ZipArchiveEntry) entry;
            return zip.canReadEntryData(zipped)
                    ? null
                    : "is compressed with method "
                            + zipped.getMethod()
                            + " or encrypted, which cannot be read";
        }

        @Override
        public InputStream open(ArchiveEntry entry) throws IOException {
            return zip.getInputStream((ZipArchiveEntry) entry);
        }

        @Override
        public void close() throws IOException {
            zip.close();
        }
    }

    /** A plain tar, by its headers (read once, when it is opened). */
    private static final class Tar implements Archive {
        private final TarFile tar;
        private final Map<String, List<TarArchiveEntry>> byName = new HashMap<>();

        /** Opens a tar of at most {@link HeaderBudgetChannel#MAX_ENTRIES} entries. */
        static Tar open(Path path) throws IOException {
            return new Tar(HeaderBudgetChannel.openTar(FileChannel.open(path)));
        }

        private Tar(TarFile tar) {
            this.tar = tar;
            for (TarArchiveEntry entry : tar.getEntries()) {
                byName.computeIfAbsent(entry.getName(), n -> new ArrayList<>(1)).add(entry);
            }
        }

        @Override
        public List<? extends ArchiveEntry> named(String name) {
            return byName.getOrDefault(name, List.of());
        }

        @Override
        public String unreadable(ArchiveEntry entry) {
            return ((TarArchiveEntry) entry).isFile() ? null : "is not a regular file";
        }

        @Override
        public InputStream open(ArchiveEntry entry) throws IOException {
            return tar.getInputStream((TarArchiveEntry) entry);
        }

        @Override
        public void close() throws IOException {
            tar.close();
        }
    }
}
