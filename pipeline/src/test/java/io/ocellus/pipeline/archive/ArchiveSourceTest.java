package io.ocellus.pipeline.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
}
