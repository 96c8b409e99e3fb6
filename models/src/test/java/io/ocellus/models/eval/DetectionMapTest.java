package io.ocellus.models.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.ocellus.models.detection.Detection;
import java.util.List;
import org.junit.jupiter.api.Test;

class DetectionMapTest {
    private static Detection box(int c, float score, float y, float x, float size) {
        return new Detection(c, "", score, y, x, y + size, x + size);
    }

    @Test
    void perfectDetectionsScoreOne() {
        DetectionMap map = new DetectionMap(0.5);
        map.add(List.of(box(1, 1, 0, 0, 0.5f)), List.of(box(1, 0.9f, 0, 0, 0.5f)));
        map.add(List.of(box(2, 1, 0.2f, 0.2f, 0.3f)), List.of(box(2, 0.8f, 0.21f, 0.2f, 0.3f)));
        assertThat(map.meanAveragePrecision()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void aBetterRankedFalsePositiveAndADuplicateCostPrecision() {
        DetectionMap map = new DetectionMap(0.5);
        // class 1: a miss ranked first, then the hit, then a duplicate of the hit
        map.add(
                List.of(box(1, 1, 0, 0, 0.5f)),
                List.of(
                        box(1, 0.9f, 0.5f, 0.5f, 0.4f),
                        box(1, 0.8f, 0, 0, 0.5f),
                        box(1, 0.7f, 0, 0, 0.5f)));
        // precision at the only recall step is 1/2
        assertThat(map.averagePrecisions().get(1)).isCloseTo(0.5, within(1e-9));
    }

    @Test
    void aWrongClassOrAPoorOverlapIsNoHitAndUnfoundTruthCountsAsZero() {
        DetectionMap map = new DetectionMap(0.5);
        map.add(
                List.of(box(1, 1, 0, 0, 0.5f), box(3, 1, 0.5f, 0.5f, 0.2f)),
                List.of(box(2, 0.9f, 0, 0, 0.5f), box(1, 0.9f, 0.3f, 0.3f, 0.5f)));
        assertThat(map.averagePrecisions()).containsOnlyKeys(1, 3);
        assertThat(map.meanAveragePrecision()).isZero();
    }
}
