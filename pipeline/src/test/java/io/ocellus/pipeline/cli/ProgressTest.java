package io.ocellus.pipeline.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** The progress bar's line, and its silence when off. */
class ProgressTest {
    @Test
    void showsDoneTotalRateAndTimeLeft() {
        StringWriter text = new StringWriter();
        Progress bar = new Progress(new PrintWriter(text), 1000, true);
        bar.update(0, 0);
        bar.update(100, 10_000); // the first entries: the rate counts from here
        bar.update(300, 20_000); // 200 in 10 s: 20/s, 700 left: 35 s
        String line = bar.line(300, 20_000);
        assertThat(line).startsWith("[#########---------------------] 300/1000  30%");
        assertThat(line).contains("20.0 images/s").contains("ETA 0:35");
        assertThat(text.toString()).contains("\r[");
        bar.finish();
        assertThat(text.toString()).endsWith(System.lineSeparator());
        assertThat(Progress.clock(3725)).isEqualTo("1:02:05");
    }

    @Test
    void saysNothingWhenOff() {
        StringWriter text = new StringWriter();
        Progress bar = new Progress(new PrintWriter(text), 10, false);
        bar.update(5, 1000);
        bar.finish();
        assertThat(text.toString()).isEmpty();
        assertThat(Progress.wanted(Boolean.FALSE)).isFalse();
        assertThat(Progress.wanted(Boolean.TRUE)).isTrue();
    }
}
