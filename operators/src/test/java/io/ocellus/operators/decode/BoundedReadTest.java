package io.ocellus.operators.decode;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BoundedReadTest {
    private static final byte[] TEN = "0123456789".getBytes(StandardCharsets.US_ASCII);

    @Test
    void readsTheSizeItWasToldAndCopesWithStreamsThatDisagree() throws Exception {
        assertThat(BoundedRead.readAtMost(in(TEN), 100, 10)).isEqualTo(TEN);
        assertThat(BoundedRead.readAtMost(in(TEN), 100, -1)).as("size unknown").isEqualTo(TEN);
        assertThat(BoundedRead.readAtMost(in(TEN), 100, 4)).as("longer than said").isEqualTo(TEN);
        assertThat(BoundedRead.readAtMost(in(TEN), 100, 25)).as("shorter than said").isEqualTo(TEN);
        assertThat(BoundedRead.readAtMost(in(TEN), 10, 10)).as("at the limit").isEqualTo(TEN);
        assertThat(BoundedRead.readAtMost(in(new byte[0]), 9, 0)).isEmpty();
    }

    @Test
    void givesNullPastTheLimitWhateverTheSizeSaid() throws Exception {
        assertThat(BoundedRead.readAtMost(in(TEN), 9, -1)).isNull();
        assertThat(BoundedRead.readAtMost(in(TEN), 9, 5)).isNull();
        assertThat(BoundedRead.readAtMost(in(TEN), 9, 20))
                .as("said to be over: read to the limit")
                .isNull();
    }

    private static InputStream in(byte[] bytes) {
        return new ByteArrayInputStream(bytes);
    }
}
