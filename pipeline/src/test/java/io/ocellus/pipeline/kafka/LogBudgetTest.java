package io.ocellus.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A flood of dead letters writes a few lines a minute and one count of the rest. */
class LogBudgetTest {
    @Test
    void writesAtMostTheBudgetPerWindowAndCountsTheRestOnce() {
        LogBudget budget = new LogBudget(3, 60_000);
        int written = 0;
        for (int i = 0; i < 1000; i++) {
            if (budget.take(10_000 + i)) {
                written++;
            }
            assertThat(budget.closeWindow()).isZero();
        }
        assertThat(written).isEqualTo(3);
        assertThat(budget.take(70_001)).isTrue(); // a new minute
        assertThat(budget.closeWindow()).isEqualTo(997);
        assertThat(budget.closeWindow()).isZero();
        assertThat(budget.take(70_002)).isTrue();
        assertThat(budget.take(70_003)).isTrue();
        assertThat(budget.take(70_004)).isFalse();
        assertThat(budget.take(200_000)).isTrue();
        assertThat(budget.closeWindow()).isEqualTo(1);
    }
}
