package io.ocellus.pipeline.archive;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EntryKeysTest {
    @TempDir Path dir;

    @Test
    void keepsKeysWithNewlinesBackslashesAndNulsThroughItsFile() throws Exception {
        EntryKeys keys = new EntryKeys();
        assertThat(keys.add("archive.zip", "a/b.jpg")).isTrue();
        assertThat(keys.add("archive.zip", "a/b.jpg")).as("added twice").isFalse();
        keys.add("odd\nsource", "back\\slash\r\u0000end");
        keys.add("zip", "\\0 is not a NUL");
        org.apache.flink.core.fs.Path file =
                new org.apache.flink.core.fs.Path(dir.resolve("done.keys").toUri());
        keys.write(file);

        assertThat(Files.readAllLines(dir.resolve("done.keys"))).hasSize(3);
        EntryKeys read = EntryKeys.read(file);
        assertThat(read.size()).isEqualTo(3);
        assertThat(read.contains("archive.zip", "a/b.jpg")).isTrue();
        assertThat(read.contains("odd\nsource", "back\\slash\r\u0000end")).isTrue();
        assertThat(read.contains("zip", "\\0 is not a NUL")).isTrue();
        assertThat(read.contains("zip", "\u0000 is not a NUL")).isFalse();
        // the separator keeps (a, bc) apart from (ab, c)
        assertThat(read.contains("archive.zi", "pa/b.jpg")).isFalse();
    }
}
