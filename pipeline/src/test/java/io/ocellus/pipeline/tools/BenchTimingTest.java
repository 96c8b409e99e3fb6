package io.ocellus.pipeline.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bench commands' timing helpers. */
class BenchTimingTest {
    @Test
    void medianOfOddAndEvenCounts() {
        assertThat(BenchTiming.median(List.of(5.0, 1.0, 3.0))).isEqualTo(3.0);
        assertThat(BenchTiming.median(List.of(4.0, 1.0, 3.0, 10.0))).isEqualTo(3.5);
    }

    @Test
    void serialCeilingTakesEachStageAtItsFastest() {
        // decode 2.0 then 1.0 ms (JIT warmed), engine 4.0 then 5.0 (the VM drifted): 1 + 4 ms
        double ceiling = BenchTiming.serialCeiling(new double[] {2, 4}, new double[] {1, 5});
        assertThat(ceiling).isCloseTo(200.0, within(1e-9));
        assertThatThrownBy(() -> BenchTiming.serialCeiling(new double[] {1}, new double[] {1, 2}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void millisPerCallCountsTheCallsTime() throws Exception {
        double ms = BenchTiming.millisPerCall(() -> Thread.sleep(5), 100);
        assertThat(ms).isBetween(5.0, 100.0);
    }

    @Test
    void jitShareIsAFractionOfTheCores() throws Exception {
        BenchTiming.JitMeter meter = new BenchTiming.JitMeter();
        long sum = 0;
        for (int i = 0; i < 2_000_000; i++) {
            sum += Integer.toString(i).hashCode();
        }
        assertThat(sum).isNotZero();
        assertThat(meter.share()).isBetween(0.0, 1.0);
    }

    @Test
    void findsTheCompilerThreadsOnLinux() {
        assumeTrue(Files.isDirectory(BenchTiming.JitMeter.TASKS), "no /proc here");
        Map<String, Long> cpu = BenchTiming.JitMeter.compilerCpuNanos();
        assertThat(cpu).isNotEmpty();
        assertThat(cpu.values()).allMatch(nanos -> nanos >= 0);
        assertThat(cpu.values().stream().mapToLong(Long::longValue).sum()).isPositive();
    }
}
