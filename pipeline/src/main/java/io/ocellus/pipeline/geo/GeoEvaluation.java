package io.ocellus.pipeline.geo;

import io.ocellus.operators.geo.GeoAccuracy;
import io.ocellus.operators.geo.GeoEstimator;
import io.ocellus.operators.geo.GeoIndex;
import io.ocellus.operators.geo.GreatCircle;
import io.ocellus.schemas.FrameRef;
import io.ocellus.schemas.GeoEstimate;
import io.ocellus.schemas.GeoReference;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Locates the queries of a geotagged set against an index of its other images and measures the
 * estimates ({@link GeoAccuracy}). The split says which images are queries: those whose CSV column
 * has a value ({@code heading_deg=270}: the fourth heading of every place), or every image against
 * the images of other groups ({@code leave-out=location_id}: leave one location out).
 *
 * <pre>{@code
 * GeoAccuracy accuracy =
 *         GeoEvaluation.evaluate(samples, Split.parse("heading_deg=270"), GeoEstimator.of(10), "m", null);
 * }</pre>
 */
public final class GeoEvaluation {
    private GeoEvaluation() {}

    /** A geotagged image and its L2-normalised embedding. */
    public record Sample(
            String id,
            double latitude,
            double longitude,
            float[] embedding,
            Map<String, String> columns) {}

    /**
     * Which samples are queries: {@code column} equal to {@code value}, or (leave-out) every
     * sample, against the samples whose {@code column} differs.
     */
    public record Split(String column, String value, boolean leaveOut) {
        public Split {
            Objects.requireNonNull(column, "column");
        }

        /** {@code COLUMN=VALUE} or {@code leave-out=COLUMN}. */
        public static Split parse(String text) {
            int equals = text.indexOf('=');
            if (equals <= 0 || equals == text.length() - 1) {
                throw new IllegalArgumentException(
                        "a split is COLUMN=VALUE or leave-out=COLUMN, got \"" + text + "\"");
            }
            String key = text.substring(0, equals);
            String value = text.substring(equals + 1);
            return key.equals("leave-out")
                    ? new Split(value, null, true)
                    : new Split(key, value, false);
        }

        /** Whether a sample is a query; without the column, it is a reference. */
        boolean isQuery(Sample sample) {
            return leaveOut || value.equals(sample.columns().get(column));
        }

        String group(Sample sample) {
            String group = column.equals("file") ? sample.id() : sample.columns().get(column);
            if (group == null) {
                throw new IllegalArgumentException(
                        "sample " + sample.id() + " has no column \"" + column + "\"");
            }
            return group;
        }
    }

    /** What one query gave, for per-query details. */
    public interface Listener {
        void located(Sample query, GeoEstimate estimate, double errorKm);
    }

    /**
     * Locates every query with {@code estimator} and tallies the errors.
     *
     * @param listener told of each query, or null
     * @throws IllegalArgumentException when the split leaves no query or no reference
     */
    public static GeoAccuracy evaluate(
            List<Sample> samples,
            Split split,
            GeoEstimator estimator,
            String modelId,
            Listener listener) {
        Parts parts = divide(samples, split);
        List<Sample> references = parts.references();
        List<Sample> queries = parts.queries();
        GeoIndex index = index(references, modelId);
        int largestGroup = split.leaveOut() ? largestGroup(samples, split) : 0;
        GeoAccuracy accuracy = new GeoAccuracy();
        for (Sample query : queries) {
            List<GeoIndex.Hit> hits =
                    index.exactNearest(
                            query.embedding(),
                            Math.min(index.size(), estimator.k() + largestGroup));
            if (split.leaveOut()) {
                String group = split.group(query);
                hits =
                        hits.stream()
                                .filter(
                                        hit ->
                                                !group.equals(
                                                        split.group(references.get(hit.entry()))))
                                .toList();
            }
            if (hits.isEmpty()) {
                continue;
            }
            GeoEstimate estimate =
                    estimator.estimate(
                            index,
                            hits,
                            new FrameRef("eval", query.id(), Instant.EPOCH, null, null, null),
                            modelId);
            double error = km(estimate.getLatitude(), estimate.getLongitude(), query);
            int top = hits.get(0).entry();
            double topError = km(index.latitude(top), index.longitude(top), query);
            accuracy.add(error, topError, estimate.getConfidence(), estimator.bandwidthKm());
            if (listener != null) {
                listener.located(query, estimate, error);
            }
        }
        return accuracy;
    }

    /**
     * HNSW recall@k against exact search: the share of each query's exact k nearest references that
     * the HNSW graph (hnswlib, as the geo stage builds it) also returns, averaged over the queries
     * of the split.
     */
    public static double hnswRecall(List<Sample> samples, Split split, int k, String modelId) {
        Parts parts = divide(samples, split);
        List<Sample> references = parts.references();
        List<Sample> queries = parts.queries();
        GeoIndex exact = index(references, modelId);
        GeoIndex graph = index(references, modelId, GeoIndex.Search.HNSW);
        double found = 0;
        for (Sample query : queries) {
            List<Integer> truth =
                    exact.exactNearest(query.embedding(), k).stream()
                            .map(GeoIndex.Hit::entry)
                            .toList();
            found +=
                    graph.nearest(query.embedding(), k).stream()
                            .filter(hit -> truth.contains(hit.entry()))
                            .count();
        }
        return found / (Math.max(1, queries.size()) * (double) Math.min(k, references.size()));
    }

    /** The queries of a split and the references they are located against. */
    private record Parts(List<Sample> references, List<Sample> queries) {}

    /**
     * Divides the samples by the split: with leave-out, every sample is a query and a reference
     * (its own group is filtered out per query).
     *
     * @throws IllegalArgumentException when the split leaves no query or no reference
     */
    private static Parts divide(List<Sample> samples, Split split) {
        List<Sample> references = new ArrayList<>();
        List<Sample> queries = new ArrayList<>();
        for (Sample sample : samples) {
            if (split.isQuery(sample)) {
                queries.add(sample);
            }
            if (split.leaveOut() || !split.isQuery(sample)) {
                references.add(sample);
            }
        }
        if (queries.isEmpty() || references.size() == (split.leaveOut() ? 1 : 0)) {
            throw new IllegalArgumentException(
                    String.format(
                            "the split %s leaves %d queries and %d references",
                            split, queries.size(), references.size()));
        }
        return new Parts(references, queries);
    }

    private static double km(double latitude, double longitude, Sample truth) {
        return GreatCircle.km(latitude, longitude, truth.latitude(), truth.longitude());
    }

    private static int largestGroup(List<Sample> samples, Split split) {
        Map<String, Integer> sizes = new HashMap<>();
        for (Sample sample : samples) {
            sizes.merge(split.group(sample), 1, Integer::sum);
        }
        return sizes.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    }

    private static GeoIndex index(List<Sample> references, String modelId) {
        return index(references, modelId, GeoIndex.Search.EXACT);
    }

    private static GeoIndex index(List<Sample> references, String modelId, GeoIndex.Search search) {
        List<GeoReference> entries = new ArrayList<>(references.size());
        for (Sample sample : references) {
            List<Float> embedding = new ArrayList<>(sample.embedding().length);
            for (float value : sample.embedding()) {
                embedding.add(value);
            }
            entries.add(
                    GeoReference.newBuilder()
                            .setId(sample.id())
                            .setLatitude(sample.latitude())
                            .setLongitude(sample.longitude())
                            .setEmbedding(embedding)
                            .build());
        }
        return GeoIndex.of("eval", modelId, entries, search);
    }
}
