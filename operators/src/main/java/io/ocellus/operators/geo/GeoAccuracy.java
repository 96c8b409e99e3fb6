package io.ocellus.operators.geo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * How far location estimates land from the truth, at the scales Im2GPS and its successors report
 * (1, 25, 200, 750 and 2500 km: street, city, region, country, continent), for the estimate and for
 * the top neighbour alone, with the median errors and the calibration of the confidence: for
 * queries binned by confidence, the share whose estimate is within one bandwidth of the truth. Not
 * thread-safe.
 */
public final class GeoAccuracy {
    /** The scales, in km. */
    public static final double[] SCALES_KM = {1, 25, 200, 750, 2500};

    private static final int BINS = 5;

    private final List<Double> estimateErrors = new ArrayList<>();
    private final List<Double> topErrors = new ArrayList<>();
    private final int[] binQueries = new int[BINS];
    private final int[] binWithin = new int[BINS];

    /**
     * Counts one query.
     *
     * @param estimateKm the estimate's distance from the truth
     * @param topKm the top neighbour's distance from the truth
     * @param confidence the estimate's confidence, in [0, 1]
     * @param bandwidthKm the radius the confidence refers to
     */
    public void add(double estimateKm, double topKm, double confidence, double bandwidthKm) {
        estimateErrors.add(estimateKm);
        topErrors.add(topKm);
        int bin = Math.min(BINS - 1, Math.max(0, (int) (confidence * BINS)));
        binQueries[bin]++;
        if (estimateKm <= bandwidthKm) {
            binWithin[bin]++;
        }
    }

    public int queries() {
        return estimateErrors.size();
    }

    /** The estimate's share within each of {@link #SCALES_KM}. */
    public double[] estimateShares() {
        return shares(estimateErrors);
    }

    /** The top neighbour's share within each of {@link #SCALES_KM}. */
    public double[] topShares() {
        return shares(topErrors);
    }

    public double estimateMedianKm() {
        return median(estimateErrors);
    }

    public double topMedianKm() {
        return median(topErrors);
    }

    private static double[] shares(List<Double> errors) {
        double[] shares = new double[SCALES_KM.length];
        for (double error : errors) {
            for (int s = 0; s < SCALES_KM.length; s++) {
                if (error <= SCALES_KM[s]) {
                    shares[s]++;
                }
            }
        }
        for (int s = 0; s < shares.length; s++) {
            shares[s] /= Math.max(1, errors.size());
        }
        return shares;
    }

    private static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** A plain-text report: the shares table, the medians and the calibration. */
    public String report() {
        StringBuilder text = new StringBuilder();
        text.append(String.format(Locale.ROOT, "%d queries%n", queries()));
        text.append(String.format(Locale.ROOT, "%-14s", "within"));
        for (double scale : SCALES_KM) {
            text.append(String.format(Locale.ROOT, "%9s", (int) scale + " km"));
        }
        text.append(String.format(Locale.ROOT, "%14s%n", "median km"));
        row(text, "estimate", estimateShares(), estimateMedianKm());
        row(text, "top neighbour", topShares(), topMedianKm());
        text.append("confidence calibration (share of estimates within one bandwidth):");
        for (int b = 0; b < BINS; b++) {
            if (binQueries[b] > 0) {
                text.append(
                        String.format(
                                Locale.ROOT,
                                "%n  %.1f-%.1f: %5.1f%% of %d",
                                (double) b / BINS,
                                (double) (b + 1) / BINS,
                                100.0 * binWithin[b] / binQueries[b],
                                binQueries[b]));
            }
        }
        return text.append(System.lineSeparator()).toString();
    }

    private static void row(StringBuilder text, String name, double[] shares, double median) {
        text.append(String.format(Locale.ROOT, "%-14s", name));
        for (double share : shares) {
            text.append(String.format(Locale.ROOT, "%8.1f%%", 100 * share));
        }
        text.append(String.format(Locale.ROOT, "%14.1f%n", median));
    }
}
