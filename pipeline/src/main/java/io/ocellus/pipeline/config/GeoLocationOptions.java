package io.ocellus.pipeline.config;

import static org.apache.flink.configuration.ConfigOptions.key;

import io.ocellus.operators.geo.GeoEstimator;
import io.ocellus.operators.geo.GeoIndex;
import io.ocellus.operators.geo.GeoIndexes;
import io.ocellus.operators.geo.GeoOptions;
import io.ocellus.pipeline.internal.Uris;
import java.io.IOException;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;

/** Geo-localization: the reference index and how neighbours become a location estimate. */
public final class GeoLocationOptions {
    public static final ConfigOption<String> INDEX =
            key("ocellus.geo.index")
                    .stringType()
                    .noDefaultValue()
                    .withDescription(
                            "A geo index (ocellus geo-index build) to locate every frame against:"
                                    + " its k nearest geotagged references and a location estimate,"
                                    + " in the geo output. Built with the same model, or refused."
                                    + " Turns the embeddings computation on.");

    public static final ConfigOption<Integer> K =
            key("ocellus.geo.k")
                    .intType()
                    .defaultValue(GeoEstimator.DEFAULT_K)
                    .withDescription("Nearest references per frame.");

    public static final ConfigOption<Double> BANDWIDTH_KM =
            key("ocellus.geo.bandwidth-km")
                    .doubleType()
                    .defaultValue(GeoEstimator.DEFAULT_BANDWIDTH_KM)
                    .withDescription(
                            "Bandwidth of the region kernel over the neighbours' places, and the"
                                    + " radius the confidence refers to.");

    public static final ConfigOption<String> WEIGHTING =
            key("ocellus.geo.weighting")
                    .stringType()
                    .defaultValue("softmax")
                    .withDescription(
                            "How a neighbour's similarity becomes its weight: softmax"
                                    + " (exp((s - s_top) / T)) or similarity (the raw cosine).");

    public static final ConfigOption<Double> TEMPERATURE =
            key("ocellus.geo.temperature")
                    .doubleType()
                    .defaultValue(GeoEstimator.DEFAULT_TEMPERATURE)
                    .withDescription(
                            "Softmax temperature T: smaller trusts the top neighbour more.");

    public static final ConfigOption<Double> FINE_BANDWIDTH_KM =
            key("ocellus.geo.fine-bandwidth-km")
                    .doubleType()
                    .defaultValue(GeoEstimator.DEFAULT_FINE_BANDWIDTH_KM)
                    .withDescription(
                            "Bandwidth of the answer kernel inside the region found; 0 answers"
                                    + " with the region's mode alone.");

    public static final ConfigOption<String> SEARCH =
            key("ocellus.geo.search")
                    .stringType()
                    .defaultValue("auto")
                    .withDescription(
                            "exact (scan every reference), hnsw (an HNSW graph built when the index"
                                    + " loads, approximate) or auto (exact up to 200000"
                                    + " references).");

    private GeoLocationOptions() {}

    /** Whether a geo index is configured. */
    public static boolean enabled(ReadableConfig config) {
        return Settings.get(config, INDEX) != null;
    }

    /** The location estimator these settings describe. */
    public static GeoEstimator estimator(ReadableConfig config) {
        GeoEstimator.Weighting weighting =
                Settings.enumValue(
                        config, WEIGHTING, GeoEstimator.Weighting.class, "softmax or similarity");
        int k = Settings.atLeast(config, K, 1);
        double bandwidth =
                Settings.checked(config, BANDWIDTH_KM, v -> v > 0, "a positive distance in km");
        double temperature =
                Settings.checked(config, TEMPERATURE, v -> v > 0, "a positive temperature");
        double fine =
                Settings.checked(
                        config, FINE_BANDWIDTH_KM, v -> v >= 0, "a distance in km, 0 or more");
        return new GeoEstimator(k, bandwidth, weighting, temperature, fine);
    }

    /**
     * The geo stage for a model of id {@code modelId}, or null when no index is configured.
     *
     * @throws IOException when the index cannot be read
     * @throws IllegalArgumentException when it was built with another model
     */
    public static GeoOptions geo(ReadableConfig config, String modelId) throws IOException {
        String index = Settings.get(config, INDEX);
        if (index == null) {
            return null;
        }
        String uri = Uris.of(index);
        GeoIndexes.check(GeoIndexes.header(uri).modelId(), uri, modelId);
        GeoIndex.Search search =
                Settings.enumValue(config, SEARCH, GeoIndex.Search.class, "exact, hnsw or auto");
        return new GeoOptions(uri, modelId, estimator(config), search);
    }
}
