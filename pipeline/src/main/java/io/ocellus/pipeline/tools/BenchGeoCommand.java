package io.ocellus.pipeline.tools;

import io.ocellus.operators.geo.GeoEstimator;
import io.ocellus.operators.geo.GeoIndex;
import io.ocellus.schemas.FrameRef;
import io.ocellus.schemas.GeoReference;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ocellus bench-geo}: lookups/s of a geo index of N entries, exact and HNSW, with the HNSW
 * graph's recall against exact search.
 */
@Command(
        name = "bench-geo",
        mixinStandardHelpOptions = true,
        description =
                "Benchmark geo lookups: an index of --entries synthetic unit vectors (clustered, as embeddings are) at random places; k-nearest search and the location estimate per query, exact and through an HNSW graph, one thread; prints lookups/s, the graph's build time and its recall@k against exact search.")
public final class BenchGeoCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--entries",
            defaultValue = "100000",
            description = "References in the index. Default: ${DEFAULT-VALUE}.")
    int entries;

    @Option(
            names = "--dimensions",
            defaultValue = "1024",
            description =
                    "Embedding size: 1024 x alpha (1024, 768, 512, 256). Default: ${DEFAULT-VALUE}.")
    int dimensions;

    @Option(
            names = "--queries",
            defaultValue = "500",
            description = "Queries per search mode. Default: ${DEFAULT-VALUE}.")
    int queries;

    @Option(
            names = "--k",
            defaultValue = "10",
            description = "Neighbours per query. Default: ${DEFAULT-VALUE}.")
    int k;

    @Option(
            names = "--no-hnsw",
            description = "Exact search only (building the graph of 100000 x 1024 takes minutes).")
    boolean noHnsw;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Random random = new Random(42);
        int clusters = Math.max(1, entries / 500);
        float[][] centres = new float[clusters][dimensions];
        for (float[] centre : centres) {
            for (int d = 0; d < dimensions; d++) {
                centre[d] = (float) random.nextGaussian();
            }
        }
        List<GeoReference> references = references(centres, random);
        List<float[]> probes = probes(centres, random);
        out.printf(
                Locale.ROOT,
                "index: %d entries x %d dimensions (%d clusters), %d queries, k %d, %d cores%n",
                entries,
                dimensions,
                clusters,
                queries,
                k,
                Runtime.getRuntime().availableProcessors());
        out.flush();

        GeoIndex exact = GeoIndex.of("bench", "bench", references, GeoIndex.Search.EXACT);
        double exactRate = rate(exact, probes);
        out.printf(
                Locale.ROOT,
                "exact: %.1f lookups/s (%.2f ms each; %.1f GB/s of vectors read, %.1f GFLOP/s)%n",
                exactRate,
                1000 / exactRate,
                4.0 * entries * dimensions * exactRate / 1e9,
                2.0 * entries * dimensions * exactRate / 1e9);
        out.flush();
        if (!noHnsw) {
            graph(references, exact, probes, out);
        }
        return 0;
    }

    private List<GeoReference> references(float[][] centres, Random random) {
        List<GeoReference> references = new ArrayList<>(entries);
        for (int i = 0; i < entries; i++) {
            references.add(
                    GeoReference.newBuilder()
                            .setId("ref-" + i)
                            .setLatitude(random.nextDouble() * 180 - 90)
                            .setLongitude(random.nextDouble() * 360 - 180)
                            .setEmbedding(near(centres[random.nextInt(centres.length)], random))
                            .build());
        }
        return references;
    }

    private List<float[]> probes(float[][] centres, Random random) {
        List<float[]> probes = new ArrayList<>(queries);
        for (int q = 0; q < queries; q++) {
            List<Float> v = near(centres[random.nextInt(centres.length)], random);
            float[] probe = new float[dimensions];
            for (int d = 0; d < dimensions; d++) {
                probe[d] = v.get(d);
            }
            probes.add(probe);
        }
        return probes;
    }

    /** Builds, saves and reads back the HNSW graph, then measures its rate and recall. */
    private void graph(
            List<GeoReference> references, GeoIndex exact, List<float[]> probes, PrintWriter out) {
        long start = System.nanoTime();
        GeoIndex graph = GeoIndex.of("bench", "bench", references, GeoIndex.Search.HNSW);
        double buildSeconds = (System.nanoTime() - start) / 1e9;
        java.io.ByteArrayOutputStream saved = new java.io.ByteArrayOutputStream();
        try {
            graph.writeGraph(saved);
            start = System.nanoTime();
            GeoIndex.of(
                    "bench",
                    "bench",
                    references,
                    GeoIndex.Search.HNSW,
                    () -> new java.io.ByteArrayInputStream(saved.toByteArray()));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        double loadSeconds = (System.nanoTime() - start) / 1e9;
        double graphRate = rate(graph, probes);
        out.printf(
                Locale.ROOT,
                "hnsw:  %.1f lookups/s (%.2f ms each), recall@%d %.4f against exact; graph built in"
                        + " %.1f s, saved %d MB, read back in %.1f s%n",
                graphRate,
                1000 / graphRate,
                k,
                recall(exact, graph, probes),
                buildSeconds,
                saved.size() >> 20,
                loadSeconds);
        out.flush();
    }

    private double recall(GeoIndex exact, GeoIndex graph, List<float[]> probes) {
        long found = 0;
        for (float[] probe : probes) {
            Set<Integer> truth = new HashSet<>();
            exact.nearest(probe, k).forEach(h -> truth.add(h.entry()));
            for (GeoIndex.Hit hit : graph.nearest(probe, k)) {
                if (truth.contains(hit.entry())) {
                    found++;
                }
            }
        }
        return (double) found / ((long) probes.size() * k);
    }

    private double rate(GeoIndex index, List<float[]> probes) {
        return rate(
                index,
                GeoEstimator.of(k),
                new FrameRef("bench", "q", Instant.EPOCH, null, null, null),
                probes);
    }

    /** Lookups per second (search and estimate) over the probes, after a warm-up pass. */
    private static double rate(
            GeoIndex index, GeoEstimator estimator, FrameRef frame, List<float[]> probes) {
        for (int i = 0; i < Math.min(50, probes.size()); i++) {
            estimator.estimate(index, frame, "bench", probes.get(i));
        }
        long start = System.nanoTime();
        for (float[] probe : probes) {
            estimator.estimate(index, frame, "bench", probe);
        }
        return probes.size() / ((System.nanoTime() - start) / 1e9);
    }

    private List<Float> near(float[] centre, Random random) {
        List<Float> v = new ArrayList<>(dimensions);
        for (int d = 0; d < dimensions; d++) {
            v.add(centre[d] + (float) random.nextGaussian());
        }
        return v;
    }
}
