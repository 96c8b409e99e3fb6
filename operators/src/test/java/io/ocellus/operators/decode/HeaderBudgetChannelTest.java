package io.ocellus.operators.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HeaderBudgetChannelTest {
    @Test
    void aTarOfMoreEntriesThanTheBudgetDoesNotOpenAndOneWithinItReadsWhole(@TempDir Path dir)
            throws Exception {
        Path tar = dir.resolve("ten.tar");
        byte[] bytes = new byte[2000]; // four blocks of data each, skipped when headers are read
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(tar))) {
            for (int i = 0; i < 10; i++) {
                TarArchiveEntry entry = new TarArchiveEntry("e" + i + ".jpg");
                entry.setSize(bytes.length);
                out.putArchiveEntry(entry);
                bytes[0] = (byte) i;
                out.write(bytes);
                out.closeArchiveEntry();
            }
        }
        HeaderBudgetChannel small = new HeaderBudgetChannel(FileChannel.open(tar), 5);
        try (small) {
            assertThatThrownBy(() -> new TarFile(small).close())
                    .isInstanceOf(HeaderBudgetChannel.OverBudget.class)
                    .hasMessageContaining("more than 5 entries");
        }

        HeaderBudgetChannel enough = new HeaderBudgetChannel(FileChannel.open(tar), 16);
        try (TarFile file = new TarFile(enough)) {
            enough.lift(); // the data of 10 entries is more than 16 headers' bytes
            assertThat(file.getEntries()).hasSize(10);
            for (TarArchiveEntry entry : file.getEntries()) {
                try (InputStream in = file.getInputStream(entry)) {
                    byte[] read = in.readAllBytes();
                    assertThat(read).hasSize(bytes.length);
                    assertThat(entry.getName()).isEqualTo("e" + read[0] + ".jpg");
                }
            }
        }
    }
}
