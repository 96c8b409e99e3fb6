package io.ocellus.operators.geo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocellus.schemas.FrameRef;
import io.ocellus.schemas.GeoEstimate;
import io.ocellus.schemas.GeoReference;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The index file, exact search, the HNSW graph's recall and the estimator. */
class GeoIndexTest {
    @Test
    void fileRoundTripAndExactSearch() throws IOException {
        List<GeoReference> entries = clustered(2000, 64, 40, new Random(7));
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        String id = GeoIndex.write(file, "mobilenet_v1_0.25_128", entries);
        GeoIndex.Header header = GeoIndex.header(new ByteArrayInputStream(file.toByteArray()));
        assertThat(header.modelId()).isEqualTo("mobilenet_v1_0.25_128");
        assertThat(header.id()).isEqualTo(id);
        assertThat(header.dimensions()).isEqualTo(64);
        GeoIndex index =
                GeoIndex.read(new ByteArrayInputStream(file.toByteArray()), GeoIndex.Search.EXACT);
        assertThat(index.size()).isEqualTo(2000);
        assertThat(index.approximate()).isFalse();

        // Each entry finds itself first; the order agrees with a plain cosine computation.
        Random random = new Random(11);
        for (int t = 0; t < 50; t++) {
            int i = random.nextInt(entries.size());
            float[] query = vector(entries.get(i));
            List<GeoIndex.Hit> hits = index.nearest(query, 5);
            assertThat(index.entryId(hits.get(0).entry())).isEqualTo(entries.get(i).getId());
            assertThat(hits.get(0).similarity())
                    .isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-4f));
            for (int h = 1; h < hits.size(); h++) {
                assertThat(hits.get(h).similarity())
                        .isLessThanOrEqualTo(hits.get(h - 1).similarity());
                assertThat(hits.get(h).similarity())
                        .isCloseTo(
                                (float) cosine(query, vector(entries.get(hits.get(h).entry()))),
                                org.assertj.core.data.Offset.offset(1e-4f));
            }
        }
        assertThatThrownBy(() -> index.nearest(new float[3], 1))
                .hasMessageContaining("3-dimensional query for a 64-dimensional index");
    }

    @Test
    void hnswRecallAgainstExactSearch() throws IOException {
        List<GeoReference> entries = clustered(10_000, 128, 20, new Random(3));
        GeoIndex graph = GeoIndex.of("v1", "m", entries, GeoIndex.Search.HNSW);
        assertThat(graph.approximate()).isTrue();
        Random random = new Random(5);
        int k = 10;
        int found = 0;
        int queries = 200;
        for (int q = 0; q < queries; q++) {
            // Unseen queries: an entry moved a little.
            float[] query = vector(entries.get(random.nextInt(entries.size())));
            for (int d = 0; d < query.length; d++) {
                query[d] += (float) (random.nextGaussian() * 0.05);
            }
            Set<Integer> exact = new HashSet<>();
            graph.exactNearest(normalized(query), k).forEach(h -> exact.add(h.entry()));
            for (GeoIndex.Hit hit : graph.nearest(query, k)) {
                if (exact.contains(hit.entry())) {
                    found++;
                }
            }
        }
        double recall = (double) found / (queries * k);
        System.out.printf(
                "HNSW recall@%d over %d queries, 10000 x 128: %.4f%n", k, queries, recall);
        assertThat(recall).isGreaterThan(0.95);

        // The graph saved and read back answers the same, without being built again.
        ByteArrayOutputStream saved = new ByteArrayOutputStream();
        graph.writeGraph(saved);
        long start = System.nanoTime();
        GeoIndex reloaded =
                GeoIndex.of(
                        "v1",
                        "m",
                        entries,
                        GeoIndex.Search.HNSW,
                        () -> new ByteArrayInputStream(saved.toByteArray()));
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("saved graph: %d bytes, read back in %.2f s%n", saved.size(), seconds);
        for (int q = 0; q < 20; q++) {
            float[] query = vector(entries.get(q * 97));
            assertThat(reloaded.nearest(query, k)).isEqualTo(graph.nearest(query, k));
        }
        // A graph saved for another index is not used (the graph is built instead).
        GeoIndex other =
                GeoIndex.of(
                        "v2",
                        "m",
                        entries.subList(0, 500),
                        GeoIndex.Search.HNSW,
                        () -> new ByteArrayInputStream(saved.toByteArray()));
        assertThat(other.size()).isEqualTo(500);
        assertThat(other.nearest(vector(entries.get(3)), 1).get(0).entry()).isEqualTo(3);
    }

    @Test
    void aSavedGraphMayHoldNoOtherClasses() throws IOException {
        ByteArrayOutputStream crafted = new ByteArrayOutputStream();
        java.io.DataOutputStream header = new java.io.DataOutputStream(crafted);
        header.writeUTF(GeoGraphs.MAGIC);
        header.writeUTF("v1");
        header.writeInt(3);
        header.flush();
        java.io.ObjectOutputStream objects = new java.io.ObjectOutputStream(crafted);
        objects.writeObject(new java.net.URL("http://127.0.0.1/"));
        objects.flush();
        List<GeoReference> entries = clustered(3, 8, 1, new Random(1));
        assertThatThrownBy(
                        () ->
                                GeoIndex.of(
                                        "v1",
                                        "m",
                                        entries,
                                        GeoIndex.Search.HNSW,
                                        () -> new ByteArrayInputStream(crafted.toByteArray())))
                .isInstanceOf(java.io.InvalidClassException.class)
                .hasMessageContaining("REJECTED");
    }

    @Test
    void theSimilarityWeightedDensityModeOutvotesALoneTopNeighbour() {
        // Six references around Paris, one in Tokyo that is the single most similar.
        List<GeoReference> entries = new ArrayList<>();
        float[] base = {1, 0, 0, 0};
        entries.add(ref("tokyo", 35.68, 139.69, new float[] {1, 0.05f, 0, 0}));
        double[][] paris = {
            {48.86, 2.35}, {48.80, 2.20}, {48.90, 2.50}, {48.70, 2.30}, {48.95, 2.40}, {48.85, 2.10}
        };
        for (int i = 0; i < paris.length; i++) {
            entries.add(
                    ref(
                            "paris-" + i,
                            paris[i][0],
                            paris[i][1],
                            new float[] {1, 0.3f + i * 0.02f, 0.1f, 0}));
        }
        entries.add(ref("far-away", -33.87, 151.21, new float[] {0, 0, 1, 0}));
        GeoIndex index = GeoIndex.of("v1", "m", entries, GeoIndex.Search.EXACT);
        GeoEstimate estimate =
                GeoEstimator.similarityWeighted(7, 50)
                        .estimate(
                                index,
                                new FrameRef("cam", "1", Instant.EPOCH, null, null, null),
                                "m",
                                base);
        assertThat(estimate.getNeighbours()).hasSize(7);
        assertThat(estimate.getNeighbours().get(0).getId()).isEqualTo("tokyo");
        assertThat(GreatCircle.km(estimate.getLatitude(), estimate.getLongitude(), 48.86, 2.35))
                .isLessThan(30);
        assertThat(estimate.getConfidence()).isBetween(0.7f, 0.95f);
        assertThat(estimate.getSpreadKm()).isLessThan(30);
        assertThat(estimate.getIndexId()).isEqualTo("v1");
        // With one neighbour, the top neighbour is the estimate, with full confidence.
        GeoEstimate top =
                GeoEstimator.of(1)
                        .estimate(
                                index,
                                new FrameRef("cam", "1", Instant.EPOCH, null, null, null),
                                "m",
                                base);
        assertThat(top.getLatitude()).isEqualTo(35.68);
        assertThat(top.getConfidence()).isEqualTo(1f);
        assertThat(top.getSpreadKm()).isZero();
    }

    private static GeoReference ref(String id, double lat, double lon, float[] v) {
        List<Float> embedding = new ArrayList<>();
        for (float x : v) {
            embedding.add(x);
        }
        return GeoReference.newBuilder()
                .setId(id)
                .setLatitude(lat)
                .setLongitude(lon)
                .setEmbedding(embedding)
                .build();
    }

    /** Unit vectors around {@code clusters} random centres, each at a random place. */
    static List<GeoReference> clustered(int n, int dimensions, int clusters, Random random) {
        float[][] centres = new float[clusters][dimensions];
        for (float[] centre : centres) {
            for (int d = 0; d < dimensions; d++) {
                centre[d] = (float) random.nextGaussian();
            }
        }
        List<GeoReference> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] centre = centres[random.nextInt(clusters)];
            float[] v = new float[dimensions];
            for (int d = 0; d < dimensions; d++) {
                v[d] = centre[d] + (float) (random.nextGaussian() * 1.0);
            }
            entries.add(
                    ref(
                            "e" + i,
                            random.nextDouble() * 180 - 90,
                            random.nextDouble() * 360 - 180,
                            normalized(v)));
        }
        return entries;
    }

    static float[] normalized(float[] v) {
        float[] out = v.clone();
        GeoIndex.normalize(out, 0, out.length);
        return out;
    }

    private static float[] vector(GeoReference entry) {
        float[] v = new float[entry.getEmbedding().size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = entry.getEmbedding().get(i);
        }
        return v;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }
}
