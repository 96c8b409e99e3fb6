package io.ocellus.operators.geo;

import java.io.IOException;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.core.fs.Path;

/**
 * The geo indexes loaded in this JVM (a TaskManager), shared by its tasks and counted: an index is
 * read once however many slots use it, and dropped when the last one lets it go (after a swap).
 */
public final class GeoIndexes {
    /** A saved HNSW graph sits beside its index, named after it with this suffix. */
    public static final String GRAPH_SUFFIX = ".hnsw";

    private static final Map<String, Shared> LOADED = new HashMap<>();

    private record Shared(GeoIndex index, int users) {}

    private GeoIndexes() {}

    /**
     * The index at {@code uri}, loaded on first use; must be {@link #release}d.
     *
     * @throws IOException when it cannot be read
     * @throws IllegalArgumentException when it was built with a model other than {@code modelId}
     */
    public static GeoIndex acquire(String uri, String modelId, GeoIndex.Search search)
            throws IOException {
        String key = uri + "|" + search;
        synchronized (LOADED) {
            Shared shared = LOADED.get(key);
            if (shared == null) {
                shared = new Shared(load(uri, search), 0);
            }
            check(shared.index(), uri, modelId);
            LOADED.put(key, new Shared(shared.index(), shared.users() + 1));
            return shared.index();
        }
    }

    /** Lets go of an index {@link #acquire}d with these arguments. */
    public static void release(String uri, GeoIndex.Search search) {
        String key = uri + "|" + search;
        synchronized (LOADED) {
            Shared shared = LOADED.get(key);
            if (shared == null) {
                return;
            }
            if (shared.users() <= 1) {
                LOADED.remove(key);
            } else {
                LOADED.put(key, new Shared(shared.index(), shared.users() - 1));
            }
        }
    }

    /** Reads an index file through Flink's file systems. */
    public static GeoIndex load(String uri, GeoIndex.Search search) throws IOException {
        Path path = new Path(uri);
        Path graph = new Path(uri + GRAPH_SUFFIX);
        try (InputStream in = path.getFileSystem().open(path)) {
            return GeoIndex.read(
                    in,
                    search,
                    () ->
                            graph.getFileSystem().exists(graph)
                                    ? graph.getFileSystem().open(graph)
                                    : null);
        } catch (IOException e) {
            throw new IOException("cannot read the geo index " + uri + ": " + e.getMessage(), e);
        }
    }

    /** The header of the index file at {@code uri}. */
    public static GeoIndex.Header header(String uri) throws IOException {
        Path path = new Path(uri);
        try (InputStream in = path.getFileSystem().open(path)) {
            return GeoIndex.header(in);
        } catch (IOException e) {
            throw new IOException("cannot read the geo index " + uri + ": " + e.getMessage(), e);
        }
    }

    /** Refuses an index built with another model. */
    public static void check(GeoIndex index, String uri, String modelId) {
        check(index.modelId(), uri, modelId);
    }

    /** Refuses an index built with model {@code built} when the job embeds with {@code modelId}. */
    public static void check(String built, String uri, String modelId) {
        if (!modelId.equals(built)) {
            throw new IllegalArgumentException(
                    String.format(
                            "the geo index %s was built with %s, this job embeds with %s: embeddings"
                                    + " of different models cannot be compared; build the index"
                                    + " with %s (ocellus geo-index build --model ...)",
                            uri, built, modelId, modelId));
        }
    }
}
