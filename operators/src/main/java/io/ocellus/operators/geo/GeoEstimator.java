package io.ocellus.operators.geo;

import io.ocellus.schemas.FrameRef;
import io.ocellus.schemas.GeoEstimate;
import io.ocellus.schemas.GeoNeighbour;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A frame's location from its nearest reference images, after Im2GPS: the k most similar entries of
 * a {@link GeoIndex}, weighted, and the mode of a kernel density over their places (Gaussian in
 * great-circle distance), evaluated at each neighbour's place.
 *
 * <p>{@link Weighting#SOFTMAX} (the default) weighs neighbour j by {@code exp((s_j - s_1) / T)},
 * s_1 being the top similarity: a near-duplicate far ahead of the rest carries the estimate, a
 * crowd of equally similar references votes together. With a fine bandwidth the mode is found at
 * two scales: the region is the mode at {@code bandwidthKm}, and the answer is the mode at {@code
 * fineBandwidthKm} among the neighbours within that region, so that street-level evidence is not
 * smoothed away. {@link Weighting#SIMILARITY} with no fine bandwidth is the earlier single-scale
 * estimator (weights = raw cosine similarity).
 *
 * <p>The confidence is the share of the neighbours' weight within {@code bandwidthKm} of the
 * estimate, the weights taken at {@value #CONFIDENCE_SPREAD} times the temperature for softmax
 * weighting; the spread is the neighbours' median distance from it. Immutable and serializable.
 *
 * @param k neighbours per frame
 * @param bandwidthKm the region kernel's bandwidth, and the radius the confidence refers to
 * @param weighting how a neighbour's similarity becomes its weight
 * @param temperature the softmax temperature T (ignored for {@link Weighting#SIMILARITY})
 * @param fineBandwidthKm the answer kernel's bandwidth within the region; 0 for one scale only
 */
public record GeoEstimator(
        int k, double bandwidthKm, Weighting weighting, double temperature, double fineBandwidthKm)
        implements Serializable {
    private static final long serialVersionUID = 2L;

    /** How neighbours' similarities become weights. */
    public enum Weighting {
        /** The cosine similarity itself (negative ones count 0). */
        SIMILARITY,
        /** A softmax over similarities relative to the top one, with a temperature. */
        SOFTMAX
    }

    public static final int DEFAULT_K = 10;
    public static final double DEFAULT_BANDWIDTH_KM = 100;
    public static final double DEFAULT_TEMPERATURE = 0.01;
    public static final double DEFAULT_FINE_BANDWIDTH_KM = 1;

    /**
     * The confidence weighs neighbours at this many times the temperature: wider than the choice,
     * so that a lone top neighbour among scattered ones is not reported as certain while a
     * near-duplicate still is (chosen on geo-croatia-100 and a placed-and-altered ImageNet set;
     * README, geo-localization).
     */
    static final double CONFIDENCE_SPREAD = 5;

    public GeoEstimator {
        if (k < 1
                || !(bandwidthKm > 0)
                || weighting == null
                || !(fineBandwidthKm >= 0)
                || (weighting == Weighting.SOFTMAX && !(temperature > 0))) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "k must be at least 1, the bandwidth positive, the fine bandwidth 0 or"
                                    + " more and a softmax temperature positive; got k %d,"
                                    + " bandwidth %s km, %s, temperature %s, fine bandwidth %s km",
                            k,
                            bandwidthKm,
                            weighting,
                            temperature,
                            fineBandwidthKm));
        }
    }

    /** The default estimator with k neighbours: softmax weights, 100 km region, 1 km answer. */
    public static GeoEstimator of(int k) {
        return new GeoEstimator(
                k,
                DEFAULT_BANDWIDTH_KM,
                Weighting.SOFTMAX,
                DEFAULT_TEMPERATURE,
                DEFAULT_FINE_BANDWIDTH_KM);
    }

    /** The single-scale estimator weighted by raw similarity (Ocellus 0.1's). */
    public static GeoEstimator similarityWeighted(int k, double bandwidthKm) {
        return new GeoEstimator(k, bandwidthKm, Weighting.SIMILARITY, 0, 0);
    }

    /** The estimate for one embedding. */
    public GeoEstimate estimate(GeoIndex index, FrameRef frame, String modelId, float[] embedding) {
        return estimate(index, index.nearest(embedding, Math.min(k, index.size())), frame, modelId);
    }

    /** The estimate from neighbours already found, most similar first (at most k are used). */
    public GeoEstimate estimate(
            GeoIndex index, List<GeoIndex.Hit> found, FrameRef frame, String modelId) {
        List<GeoIndex.Hit> hits = found.subList(0, Math.min(k, found.size()));
        int n = hits.size();
        if (n == 0) {
            throw new IllegalArgumentException("no neighbours to estimate from");
        }
        double[] weight = weights(hits, 1);
        double[][] distance = distances(index, hits);
        int mode = mode(distance, weight, bandwidthKm, allOf(n));
        if (fineBandwidthKm > 0) {
            boolean[] region = new boolean[n];
            for (int i = 0; i < n; i++) {
                region[i] = distance[mode][i] <= bandwidthKm;
            }
            mode = mode(distance, weight, fineBandwidthKm, region);
        }
        return describe(
                index, hits, weights(hits, CONFIDENCE_SPREAD), distance, mode, frame, modelId);
    }

    /** Weights at {@code spread} times the temperature (softmax weighting only). */
    private double[] weights(List<GeoIndex.Hit> hits, double spread) {
        int n = hits.size();
        double[] weight = new double[n];
        double top = hits.get(0).similarity();
        double total = 0;
        for (int i = 0; i < n; i++) {
            double similarity = hits.get(i).similarity();
            weight[i] =
                    weighting == Weighting.SOFTMAX
                            ? Math.exp((similarity - top) / (spread * temperature))
                            // a negative similarity says nothing about the place
                            : Math.max(0, similarity);
            total += weight[i];
        }
        if (total == 0) {
            Arrays.fill(weight, 1);
        }
        return weight;
    }

    private static double[][] distances(GeoIndex index, List<GeoIndex.Hit> hits) {
        int n = hits.size();
        double[][] distance = new double[n][n];
        for (int i = 0; i < n; i++) {
            int a = hits.get(i).entry();
            for (int j = i + 1; j < n; j++) {
                int b = hits.get(j).entry();
                distance[i][j] =
                        distance[j][i] =
                                GreatCircle.km(
                                        index.latitude(a),
                                        index.longitude(a),
                                        index.latitude(b),
                                        index.longitude(b));
            }
        }
        return distance;
    }

    private static boolean[] allOf(int n) {
        boolean[] all = new boolean[n];
        Arrays.fill(all, true);
        return all;
    }

    /**
     * The candidate with the highest density at this bandwidth; ties go to the more similar
     * neighbour.
     */
    private static int mode(
            double[][] distance, double[] weight, double bandwidth, boolean[] candidate) {
        int mode = -1;
        double best = -1;
        for (int i = 0; i < weight.length; i++) {
            if (!candidate[i]) {
                continue;
            }
            double density = 0;
            for (int j = 0; j < weight.length; j++) {
                double u = distance[i][j] / bandwidth;
                density += weight[j] * Math.exp(-0.5 * u * u);
            }
            if (density > best + 1e-12) {
                best = density;
                mode = i;
            }
        }
        return mode;
    }

    private GeoEstimate describe(
            GeoIndex index,
            List<GeoIndex.Hit> hits,
            double[] weight,
            double[][] distance,
            int mode,
            FrameRef frame,
            String modelId) {
        int n = hits.size();
        double near = 0;
        double total = 0;
        List<GeoNeighbour> neighbours = new ArrayList<>(n);
        for (int j = 0; j < n; j++) {
            total += weight[j];
            if (distance[mode][j] <= bandwidthKm) {
                near += weight[j];
            }
            int entry = hits.get(j).entry();
            neighbours.add(
                    GeoNeighbour.newBuilder()
                            .setId(index.entryId(entry))
                            .setLatitude(index.latitude(entry))
                            .setLongitude(index.longitude(entry))
                            .setSimilarity(hits.get(j).similarity())
                            .setDistanceKm(distance[mode][j])
                            .build());
        }
        double[] sorted = distance[mode].clone();
        Arrays.sort(sorted);
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        int modeEntry = hits.get(mode).entry();
        return GeoEstimate.newBuilder()
                .setFrame(frame)
                .setModelId(modelId)
                .setIndexId(index.id())
                .setLatitude(index.latitude(modeEntry))
                .setLongitude(index.longitude(modeEntry))
                .setConfidence((float) (near / total))
                .setSpreadKm(median)
                .setBandwidthKm(bandwidthKm)
                .setNeighbours(neighbours)
                .build();
    }
}
