package io.ocellus.pipeline.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocellus.operators.geo.GeoAccuracy;
import io.ocellus.operators.geo.GeoEstimator;
import io.ocellus.pipeline.geo.GeoEvaluation.Sample;
import io.ocellus.pipeline.geo.GeoEvaluation.Split;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Splits and the leave-out rule, on embeddings made up so that the answers are known. */
class GeoEvaluationTest {
    /** Two places; each has two views whose embeddings are nearly the same. */
    private static List<Sample> samples() {
        List<Sample> samples = new ArrayList<>();
        double[][] places = {{45.0, 15.0}, {52.5, 13.4}};
        for (int p = 0; p < places.length; p++) {
            for (int view = 0; view < 2; view++) {
                float[] v = p == 0 ? new float[] {1, 0.01f * view} : new float[] {0.01f * view, 1};
                samples.add(
                        new Sample(
                                "p" + p + "v" + view,
                                places[p][0],
                                places[p][1],
                                v,
                                Map.of("place", "p" + p, "view", "" + view)));
            }
        }
        return samples;
    }

    @Test
    void locatesQueriesOfAColumnSplitAgainstTheOthers() {
        GeoAccuracy accuracy =
                GeoEvaluation.evaluate(
                        samples(), Split.parse("view=1"), GeoEstimator.of(1), "m", null);
        assertThat(accuracy.queries()).isEqualTo(2);
        assertThat(accuracy.estimateShares()[0]).as("within 1 km").isEqualTo(1.0);
    }

    @Test
    void leavingAGroupOutRemovesItsOtherViewsFromTheReferences() {
        List<String> answers = new ArrayList<>();
        GeoAccuracy accuracy =
                GeoEvaluation.evaluate(
                        samples(),
                        Split.parse("leave-out=place"),
                        GeoEstimator.of(1),
                        "m",
                        (query, estimate, km) ->
                                answers.add(
                                        query.id()
                                                + "->"
                                                + estimate.getNeighbours().get(0).getId()));
        assertThat(accuracy.queries()).isEqualTo(4);
        // with its own place left out, each view can only find the other place
        assertThat(answers).allMatch(a -> a.charAt(1) != a.charAt(a.indexOf("->") + 3));
        assertThat(accuracy.estimateShares()[0]).isZero();
        GeoAccuracy oneOut =
                GeoEvaluation.evaluate(
                        samples(), Split.parse("leave-out=file"), GeoEstimator.of(1), "m", null);
        assertThat(oneOut.estimateShares()[0])
                .as("the other view of the same place")
                .isEqualTo(1.0);
    }

    @Test
    void refusesASplitWithoutQueriesOrAMalformedOne() {
        assertThatThrownBy(
                        () ->
                                GeoEvaluation.evaluate(
                                        samples(),
                                        Split.parse("view=7"),
                                        GeoEstimator.of(1),
                                        "m",
                                        null))
                .hasMessageContaining("leaves 0 queries");
        assertThatThrownBy(() -> Split.parse("view")).hasMessageContaining("COLUMN=VALUE");
    }
}
