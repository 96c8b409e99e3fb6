package io.ocellus.operators.geo;

import io.ocellus.schemas.FrameResults;
import java.io.IOException;
import java.util.List;

/**
 * What a geo operator instance holds: the index in use (shared in the JVM by {@link GeoIndexes})
 * and the estimator, and how a frame's results get their estimate. Not thread-safe: one per task.
 */
final class GeoStage implements AutoCloseable {
    private final GeoOptions options;
    private String uri;
    private GeoIndex index;

    GeoStage(GeoOptions options) throws IOException {
        this.options = options;
        this.uri = options.index();
        this.index = GeoIndexes.acquire(uri, options.modelId(), options.search());
    }

    String uri() {
        return uri;
    }

    GeoIndex index() {
        return index;
    }

    /**
     * Uses the index at {@code next} from now on, releasing the current one.
     *
     * @throws IOException or IllegalArgumentException (another model) leaving the current index
     */
    void swap(String next) throws IOException {
        if (next.equals(uri)) {
            return;
        }
        GeoIndex loaded = GeoIndexes.acquire(next, options.modelId(), options.search());
        GeoIndexes.release(uri, options.search());
        uri = next;
        index = loaded;
    }

    /** The results with their geo estimate, when they carry an embedding. */
    FrameResults locate(FrameResults results) {
        if (results.getEmbedding() == null) {
            return results;
        }
        List<Float> vector = results.getEmbedding().getVector();
        float[] embedding = new float[vector.size()];
        for (int i = 0; i < embedding.length; i++) {
            embedding[i] = vector.get(i);
        }
        results.setGeo(
                options.estimator()
                        .estimate(
                                index,
                                results.getEmbedding().getFrame(),
                                results.getEmbedding().getModelId().toString(),
                                embedding));
        return results;
    }

    @Override
    public void close() {
        if (index != null) {
            GeoIndexes.release(uri, options.search());
            index = null;
        }
    }
}
