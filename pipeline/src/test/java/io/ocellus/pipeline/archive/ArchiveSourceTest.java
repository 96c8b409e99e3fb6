package io.ocellus.pipeline.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocellus.operators.decode.ClaimCheckRoots;
import io.ocellus.schemas.ImageFrame;
import io.ocellus.schemas.ReasonCode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArchiveSourceTest {
    @TempDir Path dir;

    @Test
    void groupsPlainFilesOfOneFolderAndKeepsEachArchiveAlone() throws Exception {
        Path a = Files.createDirectories(dir.resolve("a"));
        Path b = Files.createDirectories(dir.resolve("b"));
        int many = 2 * ArchiveSource.FILES_PER_SPLIT + 5;
        for (int i = 0; i < many; i++) {
            Files.write(a.resolve("img" + i + ".jpg"), new byte[] {1});
        }
        Files.write(a.resolve("photos.zip"), new byte[] {1});
        Files.write(a.resolve(".hidden.jpg"), new byte[] {1});
        Files.write(b.resolve("one.jpg"), new byte[] {1});
        Files.write(b.resolve("frames.tar.gz"), new byte[] {1});

        List<ArchiveSource.Split> splits = ArchiveSource.plan(List.of(dir.toString()));

        List<String> files = new ArrayList<>();
        for (ArchiveSource.Split split : splits) {
            assertThat(split.files())
                    .isNotEmpty()
                    .hasSizeLessThanOrEqualTo(ArchiveSource.FILES_PER_SPLIT);
            boolean archive =
                    split.files().stream()
                            .anyMatch(f -> f.endsWith(".zip") || f.endsWith(".tar.gz"));
            if (archive) {
                assertThat(split.files()).as("an archive is a split of its own").hasSize(1);
            }
            long folders =
                    split.files().stream()
                            .map(f -> f.substring(0, f.lastIndexOf('/')))
                            .distinct()
                            .count();
            assertThat(folders).as("one folder per split").isEqualTo(1);
            files.addAll(split.files());
        }
        assertThat(files)
                .as("every input once, hidden files passed over")
                .hasSize(many + 3)
                .doesNotHaveDuplicates();
        assertThat(files).noneMatch(f -> f.contains(".hidden"));
        assertThat(splits.stream().map(ArchiveSource.Split::splitId).distinct())
                .hasSize(splits.size());
        // 69 plain files in a: at least three splits; the zip, b's file and b's archive: three more
        assertThat(splits).hasSizeGreaterThanOrEqualTo(6);
    }

    @Test
    void splitsAndTheEnumeratorsStateSurviveTheirSerializers() throws Exception {
        ArchiveSource.Split one =
                new ArchiveSource.Split("7", List.of("file:/x/a.jpg", "file:/x/é b.jpg"));
        ArchiveSource.Split two = new ArchiveSource.Split("8", List.of("s3://bucket/p.zip"));
        var splits = new ArchiveSource.SplitSerializer();
        assertThat(splits.deserialize(splits.getVersion(), splits.serialize(one))).isEqualTo(one);
        var pending = new ArchiveSource.PendingSerializer();
        assertThat(pending.deserialize(pending.getVersion(), pending.serialize(List.of(one, two))))
                .containsExactly(one, two);
    }

    @Test
    void plainFilesAndZipEntriesOfLocalInputsArePointedAtNotRead() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("in put#1/deeper"));
        byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1, 2, 3};
        Files.write(folder.resolve("a b%20#ü.jpg"), jpeg);
        Files.write(folder.resolve("big.jpg"), new byte[100]);
        Path zip = folder.resolve("photos!.zip");
        writeZip(zip, jpeg);
        Path single = Files.write(dir.resolve("single.jpg"), jpeg);
        Path top = dir.resolve("in put#1");

        List<String> roots = ReprocessJob.localInputs(List.of(top.toString(), single.toString()));
        assertThat(roots).hasSize(2);
        ClaimCheckRoots allowed = new ClaimCheckRoots(roots);
        assertThat(allowed.allows(flinkPath(single).toUri().toString()))
                .as("a file named as input is a root of its own")
                .isTrue();
        assertThat(allowed.allows(flinkPath(dir.resolve("other.jpg")).toUri().toString()))
                .isFalse();

        List<String> files = new ArrayList<>();
        ArchiveSource.plan(List.of(top.toString())).forEach(split -> files.addAll(split.files()));
        assertThat(files).hasSize(3);
        for (String file : files) {
            org.apache.flink.core.fs.Path path = new org.apache.flink.core.fs.Path(file);
            assertThat(allowed.allows(path.toUri().toString())).as(file).isTrue();
        }
        org.apache.flink.core.fs.Path odd =
                new org.apache.flink.core.fs.Path(folder.resolve("a b%20#ü.jpg").toUri());
        try (ArchiveEntries entries = ArchiveEntries.referenced(odd, 50)) {
            ArchiveEntries.Entry entry = entries.next();
            assertThat(entry.failed()).isFalse();
            ImageFrame frame = entry.frame();
            assertThat(frame.getImage()).as("not read").isNull();
            assertThat(frame.getFrameId()).isEqualTo("a b%20#ü.jpg");
            assertThat(frame.getClaimCheck().getSizeBytes()).isEqualTo(jpeg.length);
            assertThat(
                            Files.readAllBytes(
                                    Path.of(java.net.URI.create(frame.getClaimCheck().getUri()))))
                    .as("the claim check names the file")
                    .isEqualTo(jpeg);
            assertThat(entries.next()).isNull();
        }
        org.apache.flink.core.fs.Path big =
                new org.apache.flink.core.fs.Path(folder.resolve("big.jpg").toUri());
        try (ArchiveEntries entries = ArchiveEntries.referenced(big, 50)) {
            assertThat(entries.next().failureReason())
                    .as("over the limit: refused by the source, as when read")
                    .isEqualTo(ReasonCode.TOO_LARGE);
        }
        String archive = flinkPath(zip).toUri().toString().replace("!", "%21");
        assertThat(outcomes(ArchiveEntries.referenced(flinkPath(zip), 50)))
                .containsExactly(
                        "x/one #1.jpg -> jar:" + archive + "!/x/one%20%231.jpg",
                        "twice.jpg read",
                        "twice.jpg read",
                        "big.jpg TOO_LARGE");
    }

    @Test
    void entriesOfALocalPlainTarArePointedAtUnlessItIsCut() throws Exception {
        byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1, 2, 3};
        Path tar = dir.resolve("shard!.tar");
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(tar))) {
            out.putArchiveEntry(new TarArchiveEntry("x/"));
            out.closeArchiveEntry();
            for (String name : List.of("x/one #1.jpg", "twice.jpg", "twice.jpg", "big.jpg")) {
                byte[] bytes = name.equals("big.jpg") ? new byte[100] : jpeg;
                TarArchiveEntry entry = new TarArchiveEntry(name);
                entry.setSize(bytes.length);
                out.putArchiveEntry(entry);
                out.write(bytes);
                out.closeArchiveEntry();
            }
        }
        String archive = flinkPath(tar).toUri().toString().replace("!", "%21");
        assertThat(outcomes(ArchiveEntries.referenced(flinkPath(tar), 50)))
                .containsExactly(
                        "x/one #1.jpg -> tar:" + archive + "!/x/one%20%231.jpg",
                        "twice.jpg read",
                        "twice.jpg read",
                        "big.jpg TOO_LARGE");
        assertThat(outcomes(ArchiveEntries.names(flinkPath(tar))))
                .as("counting finds the same entries")
                .containsExactly(
                        "x/one #1.jpg read", "twice.jpg read", "twice.jpg read", "big.jpg read");

        // Cut in the data of its third entry: read as a stream, as counting reads it.
        Path cut = dir.resolve("cut.tar");
        Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(tar), 6 * 512 + 3));
        List<String> referenced = outcomes(ArchiveEntries.referenced(flinkPath(cut), 50));
        assertThat(referenced).isEqualTo(outcomes(ArchiveEntries.open(flinkPath(cut), 50)));
        assertThat(referenced).noneMatch(outcome -> outcome.contains(" -> "));
        assertThat(referenced).last().asString().contains("ARCHIVE_UNREADABLE");
    }

    /** "name -> claim check", "name read" or "name REASON" for each entry. */
    private static List<String> outcomes(ArchiveEntries entries) throws Exception {
        List<String> outcomes = new ArrayList<>();
        try (entries) {
            for (ArchiveEntries.Entry entry; (entry = entries.next()) != null; ) {
                ImageFrame frame = entry.frame();
                outcomes.add(
                        frame.getFrameId()
                                + (entry.failed()
                                        ? " " + entry.failureReason()
                                        : frame.getClaimCheck() != null
                                                ? " -> " + frame.getClaimCheck().getUri()
                                                : " read"));
            }
        }
        return outcomes;
    }

    /** A zip with a name held by two entries, which java.util.zip will not write. */
    private static void writeZip(Path zip, byte[] jpeg) throws Exception {
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip)) {
            for (String name : List.of("x/one #1.jpg", "twice.jpg", "twice.jpg", "big.jpg")) {
                out.putArchiveEntry(new ZipArchiveEntry(name));
                out.write(name.equals("big.jpg") ? new byte[100] : jpeg);
                out.closeArchiveEntry();
            }
        }
    }

    private static org.apache.flink.core.fs.Path flinkPath(Path path) {
        return new org.apache.flink.core.fs.Path(path.toUri());
    }
}
