package io.ocellus.operators.geo;

import io.ocellus.schemas.FrameRef;
import io.ocellus.schemas.GeoEstimate;
import io.ocellus.schemas.GeoNeighbour;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A frame's location from its nearest reference images, after Im2GPS: the k most similar entries of
 * a {@link GeoIndex}, and the kernel-density mode of their locations (a Gaussian kernel on
 * great-circle distance, each neighbour weighted by its similarity), evaluated at each neighbour's
 * location. The confidence is the share of the neighbours' weight within one bandwidth of the mode;
 * the spread is the neighbours' median distance from it.
 *
 * @param k neighbours per frame
 * @param bandwidthKm the kernel's bandwidth
 */
public record GeoEstimator(int k, double bandwidthKm) implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    public GeoEstimator {
        if (k < 1 || !(bandwidthKm > 0)) {
            throw new IllegalArgumentException(
                    "k must be at least 1 and the bandwidth positive, got "
                            + k
                            + ", "
                            + bandwidthKm);
        }
    }

    /** The estimate for one embedding. */
    public GeoEstimate estimate(GeoIndex index, FrameRef frame, String modelId, float[] embedding) {
        List<GeoIndex.Hit> hits = index.nearest(embedding, Math.min(k, index.size()));
        int n = hits.size();
        double[] weight = new double[n];
        double total = 0;
        for (int i = 0; i < n; i++) {
            // Cosine similarity can be negative; such a neighbour says nothing about the place.
            weight[i] = Math.max(0, hits.get(i).similarity());
            total += weight[i];
        }
        if (total == 0) {
            Arrays.fill(weight, 1);
            total = n;
        }
        // The pairwise distances, then the density at each neighbour's location.
        double[][] distance = new double[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                distance[i][j] =
                        distance[j][i] =
                                GreatCircle.km(
                                        index.latitude(hits.get(i).entry()),
                                        index.longitude(hits.get(i).entry()),
                                        index.latitude(hits.get(j).entry()),
                                        index.longitude(hits.get(j).entry()));
            }
        }
        int mode = 0;
        double best = -1;
        for (int i = 0; i < n; i++) {
            double density = 0;
            for (int j = 0; j < n; j++) {
                double u = distance[i][j] / bandwidthKm;
                density += weight[j] * Math.exp(-0.5 * u * u);
            }
            if (density > best + 1e-12) { // ties go to the more similar neighbour
                best = density;
                mode = i;
            }
        }
        double near = 0;
        double[] fromMode = new double[n];
        List<GeoNeighbour> neighbours = new ArrayList<>(n);
        for (int j = 0; j < n; j++) {
            fromMode[j] = distance[mode][j];
            if (fromMode[j] <= bandwidthKm) {
                near += weight[j];
            }
            int entry = hits.get(j).entry();
            neighbours.add(
                    GeoNeighbour.newBuilder()
                            .setId(index.entryId(entry))
                            .setLatitude(index.latitude(entry))
                            .setLongitude(index.longitude(entry))
                            .setSimilarity(hits.get(j).similarity())
                            .setDistanceKm(fromMode[j])
                            .build());
        }
        double[] sorted = fromMode.clone();
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
