package io.ocellus.pipeline.archive;

import io.ocellus.operators.decode.ArchiveEntryFetch;
import io.ocellus.operators.decode.HeaderBudgetChannel;
import java.io.IOException;
import java.io.InputStream;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarFile;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * A local plain tar read by its headers alone: each file entry within the byte limit and alone with
 * its name becomes a claim check ({@link ArchiveEntryFetch#tarUri}) that the decoding task reads,
 * as a WebDataset shard's images then cross no exchange; the others are read here. Only for an
 * archive whose headers all parse, whose entries all lie whole within the file and which has at
 * most {@link HeaderBudgetChannel#MAX_ENTRIES} entries (their headers are held in memory): {@link
 * #open} gives null for any other, which the stream's reading then handles entry by entry (a cut
 * entry, a break), as counting does.
 */
final class TarClaimCursor implements ArchiveEntries.Cursor {
    private final TarFile tar;
    private final String uri;
    private final long maxBytes;
    private final EntryFactory make;
    private final Iterator<TarArchiveEntry> entries;
    private final Set<String> sharedNames = new HashSet<>();

    private TarClaimCursor(TarFile tar, String uri, long maxBytes, EntryFactory make) {
        this.tar = tar;
        this.uri = uri;
        this.maxBytes = maxBytes;
        this.make = make;
        this.entries = tar.getEntries().iterator();
        Set<String> seen = new HashSet<>();
        for (TarArchiveEntry entry : tar.getEntries()) {
            if (!seen.add(entry.getName())) {
                sharedNames.add(entry.getName()); // the fetcher finds an entry by name
            }
        }
    }

    /** The cursor, or null when the archive is not whole (then read it as a stream). */
    static TarClaimCursor open(
            FileSystem fs,
            FileStatus status,
            Path path,
            String uri,
            long maxBytes,
            EntryFactory make) {
        TarFile tar;
        try {
            tar =
                    HeaderBudgetChannel.openTar(
                            new FsSeekableChannel(fs.open(path), status.getLen()));
        } catch (IOException | RuntimeException e) {
            return null; // over the budget of headers, or not a whole tar
        }
        for (TarArchiveEntry entry : tar.getEntries()) {
            if (entry.getDataOffset() + entry.getSize() > status.getLen()) {
                try {
                    tar.close();
                } catch (IOException e) {
                    // read-only: nothing is lost
                }
                return null;
            }
        }
        return new TarClaimCursor(tar, uri, maxBytes, make);
    }

    @Override
    public ArchiveEntries.Entry next() {
        while (entries.hasNext()) {
            TarArchiveEntry entry = entries.next();
            if (!entry.isFile()) {
                continue; // folders, links, devices: not entries
            }
            String name = entry.getName();
            long time = entry.getModTime().getTime();
            if (entry.getSize() <= maxBytes && !entry.isSparse() && !sharedNames.contains(name)) {
                return make.claimed(
                        uri, name, time, ArchiveEntryFetch.tarUri(uri, name), entry.getSize());
            }
            try (InputStream in = tar.getInputStream(entry)) {
                return make.image(uri, name, time, in, entry.getSize());
            } catch (IOException | RuntimeException e) {
                return EntryFactory.unreadable(uri, name, time, "cannot read", e);
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        tar.close();
    }
}
