package io.ocellus.operators.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocellus.schemas.FrameRef;
import io.ocellus.schemas.GeoEstimate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The default estimator: softmax weights relative to the top similarity, a region mode at 100 km,
 * then a 1 km mode inside it. Neighbours are given directly with their similarities.
 */
class GeoEstimatorTest {
    private static final FrameRef FRAME = new FrameRef("cam", "1", Instant.EPOCH, null, null, null);
    private static final double[][] PARIS = {
        {48.86, 2.35}, {48.80, 2.20}, {48.90, 2.50}, {48.70, 2.30}, {48.95, 2.40}, {48.85, 2.10}
    };

    @Test
    void aNearDuplicateFarAheadCarriesTheEstimateToItsStreet() {
        // Tokyo at 0.95; six Paris references at about 0.6: the crowd is weak evidence.
        GeoEstimate estimate = estimate(GeoEstimator.of(7), tokyoThenParis(0.95, 0.60));
        assertThat(km(estimate, 35.68, 139.69)).isLessThan(0.001);
        assertThat(estimate.getConfidence()).isGreaterThan(0.99f);
    }

    @Test
    void aCrowdAsSimilarAsTheTopNeighbourOutvotesIt() {
        // Tokyo at 0.70; six Paris references at 0.69-0.695 agree on a region.
        GeoEstimate estimate = estimate(GeoEstimator.of(7), tokyoThenParis(0.70, 0.69));
        assertThat(km(estimate, 48.86, 2.35)).isLessThan(30);
        assertThat(estimate.getConfidence()).isBetween(0.6f, 0.95f);
    }

    @Test
    void answersAtStreetLevelInsideTheRegion() {
        // Two places 5 km apart in one region: the more similar one wins, not a blend of both.
        List<Neighbour> near = new ArrayList<>();
        near.add(new Neighbour(45.8150, 15.9819, 0.80)); // Zagreb centre
        near.add(new Neighbour(45.8150 + 5 / 111.2, 15.9819, 0.79));
        near.add(new Neighbour(45.8150 + 5 / 111.2, 15.9819 + 0.0001, 0.78));
        GeoEstimate estimate = estimate(GeoEstimator.of(3), near);
        assertThat(km(estimate, 45.8150, 15.9819)).isLessThan(0.001);
        // raw similarity weights over one 100 km kernel pick the denser pair instead
        GeoEstimate blended = estimate(GeoEstimator.similarityWeighted(3, 100), near);
        assertThat(km(blended, 45.8150, 15.9819)).isGreaterThan(4);
    }

    @Test
    void similarityWeightingKeepsTheEarlierBehaviour() {
        GeoEstimate estimate =
                estimate(GeoEstimator.similarityWeighted(7, 50), tokyoThenParis(0.95, 0.60));
        assertThat(km(estimate, 48.86, 2.35)).isLessThan(30); // the crowd wins
    }

    @Test
    void refusesSettingsOutOfRange() {
        assertThatThrownBy(() -> new GeoEstimator(10, 100, GeoEstimator.Weighting.SOFTMAX, 0, 1))
                .hasMessageContaining("temperature 0.0");
        assertThatThrownBy(() -> new GeoEstimator(0, 100, GeoEstimator.Weighting.SOFTMAX, 0.01, 1))
                .hasMessageContaining("k 0");
    }

    private record Neighbour(double latitude, double longitude, double similarity) {}

    private static List<Neighbour> tokyoThenParis(double tokyo, double paris) {
        List<Neighbour> neighbours = new ArrayList<>();
        neighbours.add(new Neighbour(35.68, 139.69, tokyo));
        for (int i = 0; i < PARIS.length; i++) {
            neighbours.add(new Neighbour(PARIS[i][0], PARIS[i][1], paris + 0.001 * i));
        }
        return neighbours;
    }

    /** An index of unit vectors whose cosine with the query (1, 0) is each neighbour's. */
    private static GeoEstimate estimate(GeoEstimator estimator, List<Neighbour> neighbours) {
        List<io.ocellus.schemas.GeoReference> entries = new ArrayList<>();
        for (int i = 0; i < neighbours.size(); i++) {
            Neighbour n = neighbours.get(i);
            double s = n.similarity();
            entries.add(
                    io.ocellus.schemas.GeoReference.newBuilder()
                            .setId("n" + i)
                            .setLatitude(n.latitude())
                            .setLongitude(n.longitude())
                            .setEmbedding(List.of((float) s, (float) Math.sqrt(1 - s * s)))
                            .build());
        }
        GeoIndex index = GeoIndex.of("v1", "m", entries, GeoIndex.Search.EXACT);
        return estimator.estimate(index, FRAME, "m", new float[] {1, 0});
    }

    private static double km(GeoEstimate estimate, double latitude, double longitude) {
        return GreatCircle.km(estimate.getLatitude(), estimate.getLongitude(), latitude, longitude);
    }
}
