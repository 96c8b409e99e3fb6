package io.ocellus.models.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocellus.models.inference.ScoredLabel;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AccuracyTallyTest {
    private static List<ScoredLabel> top(int... indices) {
        return java.util.Arrays.stream(indices)
                .mapToObj(i -> new ScoredLabel(i, "c" + i, 0.1f))
                .toList();
    }

    @Test
    void countsTopOneAndTopFiveAmongTheAnsweredAndRefusalsApart() {
        AccuracyTally tally = new AccuracyTally();
        tally.answer(7, top(7, 1, 2, 3, 4)); // top-1
        tally.answer(7, top(1, 2, 3, 4, 7)); // top-5 only
        tally.answer(7, top(1, 2, 3, 4, 5, 7)); // sixth: neither
        tally.answer(9, top(9)); // a short list still counts its first
        tally.refuse("UNDECODABLE");
        tally.refuse("UNDECODABLE");
        assertThat(tally.answered()).isEqualTo(4);
        assertThat(tally.top1()).isEqualTo(0.5);
        assertThat(tally.top5()).isEqualTo(0.75);
        assertThat(tally.refusedCount()).isEqualTo(2);
        assertThat(tally.refusedByReason()).isEqualTo(Map.of("UNDECODABLE", 2));
        assertThat(tally.summary()).isEqualTo("top-1 50.0% top-5 75.0% (4 images)");
        assertThat(new AccuracyTally().top1()).isZero();
    }

    @Test
    void readsLabelsByFileNameAndNamesABadLine() {
        GroundTruth truth =
                GroundTruth.parse(
                        List.of("# comment", "", "a.JPEG\t473\tn02951358\tcanoe", "dir/b.jpg\t1"),
                        "labels.tsv");
        assertThat(truth.size()).isEqualTo(2);
        assertThat(truth.classOf(Path.of("/data/set/a.JPEG"))).hasValue(473);
        assertThat(truth.classOf(Path.of("b.jpg"))).hasValue(1);
        assertThat(truth.classOf(Path.of("c.jpg"))).isEmpty();
        assertThatThrownBy(() -> GroundTruth.parse(List.of("a.jpg\t1", "b.jpg cat"), "x.tsv"))
                .hasMessageContaining("x.tsv line 2");
        assertThatThrownBy(() -> GroundTruth.parse(List.of("a.jpg\t1", "a.jpg\t2"), "x.tsv"))
                .hasMessageContaining("labelled twice");
    }
}
