package io.ocellus.operators.geo;

import java.io.Serializable;

/**
 * The geo stage's settings.
 *
 * @param index the index file's URI (any Flink file system), the one used until an update names
 *     another
 * @param modelId the model the job embeds with: an index built with another is refused
 * @param estimator neighbours and bandwidth
 * @param search exact, HNSW or chosen by size
 */
public record GeoOptions(
        String index, String modelId, GeoEstimator estimator, GeoIndex.Search search)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public GeoOptions {
        if (index == null || modelId == null || estimator == null || search == null) {
            throw new IllegalArgumentException("index, model, estimator and search must be set");
        }
    }
}
