package io.ocellus.operators.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocellus.models.inference.InputSpec;
import io.ocellus.models.inference.RgbImage;
import io.ocellus.operators.decode.DecodedFrame;
import io.ocellus.operators.testutils.FakePredictor;
import io.ocellus.schemas.FeatureMap;
import io.ocellus.schemas.FrameRef;
import io.ocellus.schemas.FrameResults;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class InferenceFunctionTest {
    private static DecodedFrame frame(String id, int gray) {
        byte[] pixels = new byte[40 * 30 * 3];
        Arrays.fill(pixels, (byte) gray);
        return new DecodedFrame(
                new FrameRef("cam", id, Instant.ofEpochMilli(1000), null, null, null),
                new RgbImage(40, 30, pixels),
                7);
    }

    private static List<FrameResults> run(InferenceTasks tasks, DecodedFrame... frames)
            throws Exception {
        InferenceFunction function = new InferenceFunction(FakePredictor.factory(false), tasks);
        function.open();
        try {
            return function.apply(List.of(frames));
        } finally {
            function.close();
        }
    }

    @Test
    void producesOneResultPerFrameWithEveryTaskThatIsOn() throws Exception {
        List<FrameResults> results =
                run(
                        new InferenceTasks(3, true, true, true),
                        frame("dark", 0),
                        frame("bright", 255));
        assertThat(results).hasSize(2);
        FrameResults dark = results.get(0);
        assertThat(dark.getClassification().getFrame().getFrameId()).isEqualTo("dark");
        assertThat(dark.getClassification().getModelId()).isEqualTo("mobilenet_v1_0.25_32");
        assertThat(dark.getClassification().getTop()).hasSize(3);
        assertThat(dark.getClassification().getTop().get(0).getIndex())
                .isLessThan(results.get(1).getClassification().getTop().get(0).getIndex());
        assertThat(dark.getClassification().getTimings().getBatchSize()).isEqualTo(2);
        assertThat(dark.getClassification().getTimings().getDecodeMicros()).isEqualTo(7);
        assertThat(dark.getEmbedding().getVector()).hasSize(256);
        assertThat(dark.getEmbedding().getNormalized()).isTrue();
        List<FeatureMap> maps = dark.getFeatures().getMaps();
        assertThat(maps)
                .extracting(FeatureMap::getLayer)
                .containsExactly("Conv2d_11_pointwise", "Conv2d_13_pointwise");
        FeatureMap conv11 = maps.get(0);
        assertThat(conv11.getValues().remaining())
                .isEqualTo(conv11.getHeight() * conv11.getWidth() * conv11.getChannels() * 4);
    }

    @Test
    void leavesTasksThatAreOffEmpty() throws Exception {
        FrameResults only = run(new InferenceTasks(0, true, false, false), frame("a", 10)).get(0);
        assertThat(only.getClassification()).isNull();
        assertThat(only.getFeatures()).isNull();
        assertThat(only.getEmbedding().getNormalized()).isFalse();
    }

    @Test
    void runsFramesPreprocessedWhereTheyWereDecodedAsTheyAre() throws Exception {
        FakePredictor fake = new FakePredictor(false);
        InputSpec spec = InputSpec.of(fake);
        DecodedFrame raw = frame("raw", 200);
        DecodedFrame ready =
                new DecodedFrame(raw.ref(), spec.apply(raw.image()), spec.resolution(), 7, 3);
        List<FrameResults> results = run(new InferenceTasks(1, false, false, false), raw, ready);
        assertThat(results.get(1).getClassification().getTop().get(0).getIndex())
                .as("same input, same class")
                .isEqualTo(results.get(0).getClassification().getTop().get(0).getIndex());
        assertThat(results.get(1).getClassification().getTimings().getPreprocessMicros())
                .isEqualTo(3);

        DecodedFrame wrong = new DecodedFrame(raw.ref(), new float[12], 2, 7, 3);
        assertThatThrownBy(() -> run(new InferenceTasks(1, false, false, false), wrong))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pre-processed to 12 floats");
    }

    @Test
    void refusesAJobWithEveryTaskOff() {
        assertThatThrownBy(() -> new InferenceTasks(0, false, false, false))
                .hasMessageContaining("every task is off");
    }
}
