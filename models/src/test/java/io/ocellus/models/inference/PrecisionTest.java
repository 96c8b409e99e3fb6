package io.ocellus.models.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ocellus.models.image.ImageDecoder;
import io.ocellus.models.io.ModelLocator;
import io.ocellus.models.io.ModelSource;
import io.ocellus.models.testutils.SharedFixtures;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.RewriterConfig;

/** bf16 where the CPU has it, fp32 elsewhere, and the same answers where they are clear. */
class PrecisionTest {
    @Test
    void parsesTheThreeNamesAndRefusesOthers() {
        assertThat(Precision.parse(" BF16 ")).isEqualTo(Precision.BF16);
        assertThat(Precision.parse("auto")).isEqualTo(Precision.AUTO);
        assertThatThrownBy(() -> Precision.parse("fp16"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void autoAndBf16FollowTheCpuAndFp32IsAlwaysFp32() {
        Precision expected = Precision.cpuHasBf16() ? Precision.BF16 : Precision.FP32;
        Precision auto =
                Precision.cpuHasBf16() && Precision.bf16VerifiedHere()
                        ? Precision.BF16
                        : Precision.FP32;
        assertThat(Precision.AUTO.resolve()).isEqualTo(auto);
        assertThat(Precision.BF16.resolve()).isEqualTo(expected);
        assertThat(Precision.FP32.resolve()).isEqualTo(Precision.FP32);
        RewriterConfig.Toggle rewrite =
                EngineOptions.builder()
                        .optPrecision(Precision.AUTO)
                        .build()
                        .toConfigProto()
                        .getGraphOptions()
                        .getRewriteOptions()
                        .getAutoMixedPrecisionOnednnBfloat16();
        assertThat(rewrite == RewriterConfig.Toggle.ON).isEqualTo(auto == Precision.BF16);
        assertThat(
                        EngineOptions.defaults()
                                .toConfigProto()
                                .getGraphOptions()
                                .getRewriteOptions()
                                .getAutoMixedPrecisionOnednnBfloat16())
                .isNotEqualTo(RewriterConfig.Toggle.ON);
    }

    @Test
    void autoLeavesBf16ToCpuKindsWhereItWasChecked() {
        String zen4 = "vendor_id\t: AuthenticAMD\ncpu family\t: 25\nmodel\t\t: 17\n";
        String zen5 = "vendor_id\t: AuthenticAMD\ncpu family\t: 26\nmodel\t\t: 2\n";
        String intel = "vendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 207\n";
        assertThat(Precision.bf16Verified(zen4)).isTrue();
        assertThat(Precision.bf16Verified(zen5)).isFalse();
        assertThat(Precision.bf16Verified(zen5.replace("26", "27"))).isFalse();
        assertThat(Precision.bf16Verified(intel)).isTrue();
        assertThat(Precision.bf16Verified("")).isTrue();
    }

    @Test
    void onlyFloat32ProductsKeepTheEightBitGrids() {
        assertThat(EngineOptions.defaults().emulatesGrids()).isTrue();
        assertThat(EngineOptions.builder().optQuantizedActivations(false).build().emulatesGrids())
                .isFalse();
        for (Precision precision : Precision.values()) {
            assertThat(EngineOptions.builder().optPrecision(precision).build().emulatesGrids())
                    .as(precision.label())
                    .isEqualTo(precision.resolve() == Precision.FP32);
        }
    }

    @Test
    void bf16GivesFloat32sTopLabelOnEveryClearlyLedPicture() throws Exception {
        // On AMD Zen 5 bf16 is known to answer wrongly at times (Precision.bf16Verified, README:
        // precision); auto runs fp32 there, and this check belongs to the CPU kinds it holds on.
        assumeTrue(
                Precision.bf16VerifiedHere(),
                "bf16 is known unsound on this CPU kind (AMD family 26+): auto runs fp32");
        assertSameClearAnswers(
                ModelLocator.locate(
                        SharedFixtures.modelFile("mobilenet_v1_0.5_160_quant.tflite").toString(),
                        null,
                        null,
                        null),
                EngineOptions.builder().optPrecision(Precision.BF16).build());
    }

    /**
     * The engine of {@code options} gives the default engine's top label on every sample picture
     * whose top label leads by more than 0.2, and there are more than three such pictures.
     */
    static void assertSameClearAnswers(ModelSource source, EngineOptions options) throws Exception {
        List<RgbImage> images = new ArrayList<>();
        for (var file : SharedFixtures.images()) {
            images.add(new ImageDecoder().decode(file));
        }
        try (InferenceEngine fp32 = InferenceEngine.open(source, EngineOptions.defaults());
                InferenceEngine other = InferenceEngine.open(source, options)) {
            List<Prediction> a = fp32.infer(images, Outputs.classes(2));
            List<Prediction> b = other.infer(images, Outputs.classes(2));
            int clear = 0;
            for (int i = 0; i < images.size(); i++) {
                List<ScoredLabel> top = a.get(i).top();
                if (top.get(0).score() - top.get(1).score() > 0.2) {
                    clear++;
                    assertThat(b.get(i).top().get(0).index())
                            .as("image %d", i)
                            .isEqualTo(top.get(0).index());
                }
            }
            assertThat(clear).isGreaterThan(3);
        }
    }
}
