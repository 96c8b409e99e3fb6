package io.ocellus.models.inference;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OneDnnTest {
    private static final String AVX2 = " fpu sse2 avx fma avx2 sha_ni ";
    private static final String ZEN4 = " avx2 avx512f avx512_vnni avx512_bf16 ";
    private static final String SAPPHIRE_RAPIDS = " avx2 avx512f amx_bf16 amx_tile amx_int8 ";

    @Test
    void tensorFlowTurnsItOnByItselfOnlyWithVnniBf16OrAmx() {
        assertThat(OneDnn.onByDefault(AVX2)).isFalse();
        assertThat(OneDnn.onByDefault(" avx2 avx512f avx512bw ")).isFalse();
        assertThat(OneDnn.onByDefault(ZEN4)).isTrue();
        assertThat(OneDnn.onByDefault(SAPPHIRE_RAPIDS)).isTrue();
        assertThat(OneDnn.onByDefault(" avx2 avx_vnni ")).isTrue();
        assertThat(OneDnn.onByDefault("")).isFalse();
    }

    @Test
    void theVariableDecidesWhereItSaysOneOrZeroTrueOrFalse() {
        assertThat(OneDnn.enabled(null, AVX2)).isFalse();
        assertThat(OneDnn.enabled("1", AVX2)).isTrue();
        assertThat(OneDnn.enabled(" TRUE ", AVX2)).isTrue();
        assertThat(OneDnn.enabled("0", ZEN4)).isFalse();
        assertThat(OneDnn.enabled("false", SAPPHIRE_RAPIDS)).isFalse();
        // TensorFlow warns about anything else and keeps its default.
        assertThat(OneDnn.enabled("yes", AVX2)).isFalse();
        assertThat(OneDnn.enabled("", ZEN4)).isTrue();
    }

    @Test
    void testsRunOneDnnsKernelsOnEveryCpuAsTheLauncherAndDeploymentsDo() {
        // The build's surefire and failsafe settings export TF_ENABLE_ONEDNN_OPTS=1.
        assertThat(OneDnn.enabled()).isTrue();
        assertThat(OneDnn.describe()).isEqualTo("oneDNN on (TF_ENABLE_ONEDNN_OPTS=1)");
    }

    @Test
    void precisionsThatNeedOneDnnOrHardwareSayWhyTheyRunFp32() {
        assertThat(Precision.FP32.whyNot()).isEmpty();
        assertThat(Precision.BF16.whyNot().isEmpty()).isEqualTo(Precision.cpuHasBf16());
        assertThat(Precision.INT8.whyNot().isEmpty()).isEqualTo(Precision.cpuHasInt8());
        if (!Precision.cpuHasBf16()) {
            assertThat(Precision.BF16.whyNot()).contains("AVX512_BF16");
            assertThat(Precision.AUTO.resolve()).isEqualTo(Precision.FP32);
        }
        if (!Precision.cpuHasInt8()) {
            assertThat(Precision.INT8.whyNot()).contains("VNNI");
        }
    }
}
