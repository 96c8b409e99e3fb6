package io.ocellus.operators.geo;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocellus.schemas.Embedding;
import io.ocellus.schemas.FrameRef;
import io.ocellus.schemas.FrameResults;
import io.ocellus.schemas.GeoEstimate;
import io.ocellus.schemas.GeoReference;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithNonKeyedOperator;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The hot-swappable geo stage in Flink's broadcast harness: an update moves the answers to the new
 * index and is kept in broadcast state, an unreadable one or one of another model is refused while
 * the current index stays, and a restored instance comes back with the index its state names.
 */
class GeoFunctionTest {
    private static final String MODEL = "mobilenet_v1_0.25_128";
    private static final double[] PARIS = {48.86, 2.35};
    private static final double[] TOKYO = {35.68, 139.69};

    @TempDir Path dir;

    @Test
    void swapsTheIndexWhileRunningRefusesBadUpdatesAndRestoresTheOneInUse() throws Exception {
        String paris = index("paris.geo.avro", MODEL, PARIS);
        String tokyo = index("tokyo.geo.avro", MODEL, TOKYO);
        String otherModel = index("other.geo.avro", "mobilenet_v1_1.0_224", TOKYO);
        GeoOptions options =
                new GeoOptions(paris, MODEL, GeoEstimator.of(2), GeoIndex.Search.EXACT);

        OperatorSubtaskState snapshot;
        try (BroadcastOperatorTestHarness<FrameResults, String, FrameResults> harness =
                harness(options)) {
            harness.processElement(frame("1"), 1);
            harness.processBroadcastElement(tokyo, 2);
            harness.processElement(frame("2"), 3);
            harness.processBroadcastElement(otherModel, 4);
            harness.processBroadcastElement(dir.resolve("missing.geo.avro").toUri().toString(), 5);
            harness.processElement(frame("3"), 6);

            List<FrameResults> out = harness.extractOutputValues();
            assertThat(out).hasSize(3);
            assertNear(out.get(0).getGeo(), PARIS);
            assertNear(out.get(1).getGeo(), TOKYO);
            assertNear(out.get(2).getGeo(), TOKYO); // both bad updates refused, Tokyo stays
            assertThat(harness.getBroadcastState(GeoFunction.STATE).get(GeoFunction.CURRENT))
                    .as("the index in use, in broadcast state")
                    .isEqualTo(tokyo);
            snapshot = harness.snapshot(1, 7);
        }

        // A restart with the job's original settings comes back with the index in use.
        try (BroadcastOperatorTestHarness<FrameResults, String, FrameResults> restored =
                new BroadcastOperatorTestHarness<>(
                        new CoBroadcastWithNonKeyedOperator<>(
                                new GeoFunction(options), List.of(GeoFunction.STATE)),
                        1,
                        1,
                        0)) {
            restored.initializeState(snapshot);
            restored.open();
            restored.processElement(frame("4"), 8);
            assertNear(restored.extractOutputValues().get(0).getGeo(), TOKYO);
        }
    }

    @Test
    void anIndexThatCannotBeLoadedAfterARestoreIsTriedOnABackOffNotOnEveryFrame() throws Exception {
        String paris = index("paris.geo.avro", MODEL, PARIS);
        String tokyo = index("tokyo.geo.avro", MODEL, TOKYO);
        GeoOptions options =
                new GeoOptions(paris, MODEL, GeoEstimator.of(2), GeoIndex.Search.EXACT);
        OperatorSubtaskState snapshot;
        try (var harness = harness(options)) {
            harness.processBroadcastElement(tokyo, 1);
            snapshot = harness.snapshot(1, 2);
        }
        Files.delete(Path.of(java.net.URI.create(tokyo))); // gone by the time of the restore
        GeoFunction function = new GeoFunction(options);
        try (BroadcastOperatorTestHarness<FrameResults, String, FrameResults> restored =
                new BroadcastOperatorTestHarness<>(
                        new CoBroadcastWithNonKeyedOperator<>(function, List.of(GeoFunction.STATE)),
                        1,
                        1,
                        0)) {
            restored.initializeState(snapshot);
            restored.open();
            for (int i = 0; i < 200; i++) {
                restored.processElement(frame("f" + i), 10 + i);
            }
            assertThat(restored.extractOutputValues()).hasSize(200);
            assertNear(restored.extractOutputValues().get(199).getGeo(), PARIS);
            assertThat(function.refusedCount())
                    .as("tried once, then not again within the back-off")
                    .isEqualTo(1);
        }
    }

    private static BroadcastOperatorTestHarness<FrameResults, String, FrameResults> harness(
            GeoOptions options) throws Exception {
        return ProcessFunctionTestHarnesses.forBroadcastProcessFunction(
                new GeoFunction(options), GeoFunction.STATE);
    }

    /** An index of two references near {@code place}, both similar to every frame. */
    private String index(String name, String modelId, double[] place) throws Exception {
        Path file = dir.resolve(name);
        List<GeoReference> entries =
                List.of(
                        reference(name + "-a", place[0], place[1], List.of(1f, 0.1f)),
                        reference(name + "-b", place[0] + 0.01, place[1], List.of(1f, 0.2f)));
        try (OutputStream out = Files.newOutputStream(file)) {
            GeoIndex.write(out, modelId, entries);
        }
        return file.toUri().toString();
    }

    private static GeoReference reference(
            String id, double latitude, double longitude, List<Float> embedding) {
        return GeoReference.newBuilder()
                .setId(id)
                .setLatitude(latitude)
                .setLongitude(longitude)
                .setEmbedding(embedding)
                .build();
    }

    private static FrameResults frame(String id) {
        FrameRef ref = new FrameRef("cam", id, Instant.EPOCH, null, null, null);
        return FrameResults.newBuilder()
                .setEmbedding(new Embedding(ref, MODEL, List.of(1f, 0.15f), 1f, false))
                .build();
    }

    private static void assertNear(GeoEstimate estimate, double[] place) {
        assertThat(estimate).isNotNull();
        assertThat(
                        GreatCircle.km(
                                estimate.getLatitude(),
                                estimate.getLongitude(),
                                place[0],
                                place[1]))
                .isLessThan(5);
    }
}
