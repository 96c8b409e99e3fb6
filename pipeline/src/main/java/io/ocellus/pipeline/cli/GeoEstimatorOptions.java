package io.ocellus.pipeline.cli;

import io.ocellus.operators.geo.GeoEstimator;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The location estimator's settings, shared by the jobs and {@code geo-index eval}. */
final class GeoEstimatorOptions {
    @Option(
            names = "--geo-k",
            defaultValue = "" + GeoEstimator.DEFAULT_K,
            description = "Nearest references per frame. Default: ${DEFAULT-VALUE}.")
    int k;

    @Option(
            names = "--geo-bandwidth-km",
            defaultValue = "" + GeoEstimator.DEFAULT_BANDWIDTH_KM,
            description =
                    "Bandwidth of the region kernel over the neighbours' places, and the radius the confidence refers to. Default: ${DEFAULT-VALUE}.")
    double bandwidthKm;

    @Option(
            names = "--geo-weighting",
            defaultValue = "softmax",
            converter = WeightingConverter.class,
            description =
                    "How a neighbour's similarity becomes its weight: softmax (exp((s - s_top) / T)) or similarity (the raw cosine, the 0.1 estimator). Default: ${DEFAULT-VALUE}.")
    GeoEstimator.Weighting weighting;

    @Option(
            names = "--geo-temperature",
            defaultValue = "" + GeoEstimator.DEFAULT_TEMPERATURE,
            description =
                    "Softmax temperature T: smaller trusts the top neighbour more. Default: ${DEFAULT-VALUE}.")
    double temperature;

    @Option(
            names = "--geo-fine-bandwidth-km",
            defaultValue = "" + GeoEstimator.DEFAULT_FINE_BANDWIDTH_KM,
            description =
                    "Bandwidth of the answer kernel inside the region found; 0 answers with the region's mode alone. Default: ${DEFAULT-VALUE}.")
    double fineBandwidthKm;

    static final class WeightingConverter
            implements picocli.CommandLine.ITypeConverter<GeoEstimator.Weighting> {
        @Override
        public GeoEstimator.Weighting convert(String value) {
            try {
                return GeoEstimator.Weighting.valueOf(value.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new picocli.CommandLine.TypeConversionException(
                        "expected softmax or similarity, got \"" + value + "\"");
            }
        }
    }

    /**
     * The estimator these flags describe.
     *
     * @throws IllegalArgumentException naming the values when they are out of range
     */
    GeoEstimator estimator() {
        return new GeoEstimator(k, bandwidthKm, weighting, temperature, fineBandwidthKm);
    }
}
