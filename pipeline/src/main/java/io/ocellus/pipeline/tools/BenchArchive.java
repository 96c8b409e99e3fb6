package io.ocellus.pipeline.tools;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import picocli.CommandLine;

/**
 * The input of {@code bench-reprocess}: N images, the pictures taken round-robin and named {@code
 * 00042-parrot.jpg}, as a folder of files, a zip archive (deflated, as {@code zip -r} writes), a
 * plain tar (as a WebDataset shard is) or a gzipped tar: the job reads each of them its own way.
 */
enum BenchArchive {
    FOLDER(""),
    ZIP(".zip"),
    TAR(".tar"),
    TAR_GZ(".tar.gz");

    private final String suffix;

    BenchArchive(String suffix) {
        this.suffix = suffix;
    }

    /** Reads {@code --as}: a wrong value is a usage error. */
    static final class Converter implements CommandLine.ITypeConverter<BenchArchive> {
        @Override
        public BenchArchive convert(String value) {
            try {
                return of(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    /** The option's spelling: folder, zip, tar, tar.gz. */
    static BenchArchive of(String name) {
        for (BenchArchive layout : values()) {
            if (layout.toString().equals(name)) {
                return layout;
            }
        }
        throw new IllegalArgumentException("--as takes folder, zip, tar or tar.gz, not " + name);
    }

    @Override
    public String toString() {
        return this == FOLDER ? "folder" : suffix.substring(1);
    }

    /**
     * Writes {@code count} of the pictures round-robin as {@code dir/name} (plus the suffix);
     * returns the path to give the job.
     */
    Path write(Path dir, String name, int count, List<Path> pictures, List<byte[]> bytes)
            throws IOException {
        Path target = dir.resolve(name + suffix);
        switch (this) {
            case FOLDER -> {
                Files.createDirectories(target);
                for (int i = 0; i < count; i++) {
                    Files.write(target.resolve(entry(i, pictures)), bytes.get(i % bytes.size()));
                }
            }
            case ZIP -> {
                try (ZipArchiveOutputStream zip = new ZipArchiveOutputStream(target)) {
                    for (int i = 0; i < count; i++) {
                        zip.putArchiveEntry(new ZipArchiveEntry(entry(i, pictures)));
                        zip.write(bytes.get(i % bytes.size()));
                        zip.closeArchiveEntry();
                    }
                }
            }
            case TAR -> {
                try (OutputStream file = Files.newOutputStream(target)) {
                    writeTar(file, count, pictures, bytes);
                }
            }
            case TAR_GZ -> {
                try (OutputStream file = Files.newOutputStream(target);
                        OutputStream gzip = new GzipCompressorOutputStream(file)) {
                    writeTar(gzip, count, pictures, bytes);
                }
            }
        }
        return target;
    }

    private static void writeTar(
            OutputStream out, int count, List<Path> pictures, List<byte[]> bytes)
            throws IOException {
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            for (int i = 0; i < count; i++) {
                byte[] image = bytes.get(i % bytes.size());
                TarArchiveEntry entry = new TarArchiveEntry(entry(i, pictures));
                entry.setSize(image.length);
                tar.putArchiveEntry(entry);
                tar.write(image);
                tar.closeArchiveEntry();
            }
        }
    }

    private static String entry(int i, List<Path> pictures) {
        return String.format(
                Locale.ROOT, "%05d-%s", i, pictures.get(i % pictures.size()).getFileName());
    }
}
