package io.ocellus.models.inference;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The bench's limit: a real product rate (MatMul or 1x1 Conv2D), per precision, and the CPU named.
 */
class MatMulLimitTest {
    @Test
    void measuresARealRateAndNamesTheCpu() {
        MatMulLimit limit = MatMulLimit.measure(EngineOptions.defaults(), 0.2);
        // Any CPU that runs TensorFlow does far more than 1 GMAC/s on a 2048 x 2048 MatMul; a
        // folded constant would give thousands.
        assertThat(limit.fp32()).isBetween(1.0, 5000.0);
        assertThat(limit.of(Precision.FP32)).isEqualTo(limit.fp32());
        assertThat(limit.of(Precision.INT8)).isZero();
        assertThat(limit.bf16() > 0).isEqualTo(Precision.cpuHasBf16());
        assertThat(limit.runs()).isEqualTo(EngineOptions.defaults().resolvedStreams());
        assertThat(limit.describe())
                .contains(
                        "the faster of MatMul and 1x1 Conv2D, "
                                + limit.runs()
                                + " at once on the engine's");
        assertThat(limit.fp32Op()).isIn("MatMul", "Conv2D");
        assertThat(limit.bf16Op())
                .isIn(Precision.cpuHasBf16() ? List.of("MatMul", "Conv2D") : List.of(""));
        assertThat(limit.cpu()).isNotBlank();
    }
}
