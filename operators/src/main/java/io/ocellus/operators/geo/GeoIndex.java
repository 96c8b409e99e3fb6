package io.ocellus.operators.geo;

import com.github.jelmerk.hnswlib.core.Item;
import com.github.jelmerk.hnswlib.core.SearchResult;
import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import io.ocellus.schemas.GeoReference;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.PriorityQueue;
import java.util.UUID;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * A reference index of geotagged embeddings, in memory: ids, coordinates and L2-normalised vectors
 * in one float array, searched by cosine similarity. Exact search scans every vector (at memory
 * speed; README, geo search); with {@link Search#HNSW} an approximate HNSW graph (hnswlib) is built
 * once at load and searched instead, for indexes too large to scan per frame.
 *
 * <p>On disk: an Avro container file of {@link GeoReference} records whose metadata name the format
 * version, the model the embeddings came from, the index's id and its dimensions.
 */
public final class GeoIndex {
    /** The file format this code writes and reads. */
    public static final int FORMAT_VERSION = 1;

    static final String META_VERSION = "ocellus.geo.format-version";
    static final String META_MODEL = "ocellus.geo.model";
    static final String META_ID = "ocellus.geo.index-id";
    static final String META_DIMENSIONS = "ocellus.geo.dimensions";

    /** How the index is searched. */
    public enum Search {
        /** Every vector. */
        EXACT,
        /** An HNSW graph built at load. */
        HNSW,
        /** Exact up to {@link #AUTO_EXACT_MAX} entries, HNSW above. */
        AUTO;

        public static final int AUTO_EXACT_MAX = 200_000;
    }

    /** A neighbour: its position in the index and cosine similarity. */
    public record Hit(int entry, float similarity) {}

    private final String id;
    private final String modelId;
    private final int dimensions;
    private final String[] ids;
    private final double[] latitudes;
    private final double[] longitudes;
    private final float[] vectors;
    private final HnswIndex<Integer, float[], Vector, Float> hnsw;

    private GeoIndex(
            String id,
            String modelId,
            int dimensions,
            String[] ids,
            double[] latitudes,
            double[] longitudes,
            float[] vectors,
            Search search,
            GraphSource saved)
            throws IOException {
        this.id = id;
        this.modelId = modelId;
        this.dimensions = dimensions;
        this.ids = ids;
        this.latitudes = latitudes;
        this.longitudes = longitudes;
        this.vectors = vectors;
        boolean graph =
                search == Search.HNSW
                        || (search == Search.AUTO && ids.length > Search.AUTO_EXACT_MAX);
        HnswIndex<Integer, float[], Vector, Float> loaded = null;
        if (graph && saved != null) {
            try (InputStream in = saved.open()) {
                loaded = in == null ? null : GeoGraphs.read(in, id, ids.length);
            }
        }
        this.hnsw =
                graph
                        ? (loaded != null
                                ? loaded
                                : GeoGraphs.build(vectors, dimensions, ids.length))
                        : null;
    }

    /** Opens a saved graph ({@link #writeGraph}), or returns null when there is none. */
    @FunctionalInterface
    public interface GraphSource {
        InputStream open() throws IOException;
    }

    /** An index of these entries; vectors are normalised here. */
    public static GeoIndex of(
            String id, String modelId, List<GeoReference> entries, Search search) {
        try {
            return of(id, modelId, entries, search, null);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // no saved graph: nothing is read
        }
    }

    /** As above, the HNSW graph (when one is wanted) read from {@code saved} when it has one. */
    public static GeoIndex of(
            String id, String modelId, List<GeoReference> entries, Search search, GraphSource saved)
            throws IOException {
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("a geo index needs at least one entry");
        }
        int dimensions = entries.get(0).getEmbedding().size();
        int n = entries.size();
        String[] ids = new String[n];
        double[] lat = new double[n];
        double[] lon = new double[n];
        float[] vectors = new float[n * dimensions];
        for (int i = 0; i < n; i++) {
            GeoReference entry = entries.get(i);
            if (entry.getEmbedding().size() != dimensions) {
                throw new IllegalArgumentException(
                        String.format(
                                Locale.ROOT,
                                "entry %s has %d dimensions, the index %d",
                                entry.getId(),
                                entry.getEmbedding().size(),
                                dimensions));
            }
            ids[i] = entry.getId().toString();
            lat[i] = entry.getLatitude();
            lon[i] = entry.getLongitude();
            List<Float> embedding = entry.getEmbedding();
            for (int d = 0; d < dimensions; d++) {
                vectors[i * dimensions + d] = embedding.get(d);
            }
            normalize(vectors, i * dimensions, dimensions);
        }
        return new GeoIndex(id, modelId, dimensions, ids, lat, lon, vectors, search, saved);
    }

    /** What an index file says about itself. */
    public record Header(int version, String id, String modelId, int dimensions) {}

    /** Reads only the header of an index file (its metadata), not its entries. */
    public static Header header(InputStream in) throws IOException {
        try (DataFileStream<GeoReference> file =
                new DataFileStream<>(in, new SpecificDatumReader<>(GeoReference.class))) {
            String version = file.getMetaString(META_VERSION);
            if (version == null) {
                throw new IOException("not an Ocellus geo index (no " + META_VERSION + ")");
            }
            String dimensions = file.getMetaString(META_DIMENSIONS);
            return new Header(
                    Integer.parseInt(version),
                    file.getMetaString(META_ID),
                    file.getMetaString(META_MODEL),
                    dimensions == null ? 0 : Integer.parseInt(dimensions));
        }
    }

    /** Reads an index file. */
    public static GeoIndex read(InputStream in, Search search) throws IOException {
        return read(in, search, null);
    }

    /** Reads an index file, its HNSW graph from {@code saved} when one is wanted and saved. */
    public static GeoIndex read(InputStream in, Search search, GraphSource saved)
            throws IOException {
        try (DataFileStream<GeoReference> file =
                new DataFileStream<>(in, new SpecificDatumReader<>(GeoReference.class))) {
            String version = file.getMetaString(META_VERSION);
            if (version == null) {
                throw new IOException("not an Ocellus geo index (no " + META_VERSION + ")");
            }
            if (Integer.parseInt(version) != FORMAT_VERSION) {
                throw new IOException(
                        "geo index format version "
                                + version
                                + ", this build reads "
                                + FORMAT_VERSION);
            }
            List<GeoReference> entries = new ArrayList<>();
            file.forEach(entries::add);
            return of(
                    file.getMetaString(META_ID),
                    file.getMetaString(META_MODEL),
                    entries,
                    search,
                    saved);
        }
    }

    /** Writes an index file of these entries; returns the new index's id. */
    public static String write(OutputStream out, String modelId, Iterable<GeoReference> entries)
            throws IOException {
        String id = UUID.randomUUID().toString();
        Integer dimensions = null;
        try (DataFileWriter<GeoReference> file =
                new DataFileWriter<>(new SpecificDatumWriter<>(GeoReference.class))) {
            file.setCodec(CodecFactory.deflateCodec(1));
            file.setMeta(META_VERSION, String.valueOf(FORMAT_VERSION));
            file.setMeta(META_MODEL, modelId);
            file.setMeta(META_ID, id);
            List<GeoReference> all = new ArrayList<>();
            entries.forEach(all::add);
            if (!all.isEmpty()) {
                dimensions = all.get(0).getEmbedding().size();
            }
            file.setMeta(META_DIMENSIONS, String.valueOf(dimensions == null ? 0 : dimensions));
            file.create(GeoReference.getClassSchema(), out);
            for (GeoReference entry : all) {
                file.append(entry);
            }
        }
        return id;
    }

    public String id() {
        return id;
    }

    public String modelId() {
        return modelId;
    }

    public int dimensions() {
        return dimensions;
    }

    public int size() {
        return ids.length;
    }

    public boolean approximate() {
        return hnsw != null;
    }

    public String entryId(int entry) {
        return ids[entry];
    }

    public double latitude(int entry) {
        return latitudes[entry];
    }

    public double longitude(int entry) {
        return longitudes[entry];
    }

    /** The k most similar entries to {@code query} (normalised here), most similar first. */
    public List<Hit> nearest(float[] query, int k) {
        if (query.length != dimensions) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "a %d-dimensional query for a %d-dimensional index (%s)",
                            query.length,
                            dimensions,
                            modelId));
        }
        float[] q = query.clone();
        normalize(q, 0, dimensions);
        return hnsw != null ? graphNearest(q, k) : exactNearest(q, k);
    }

    /** Exact search, whatever the index's mode (to measure the graph's recall). */
    public List<Hit> exactNearest(float[] query, int k) {
        int n = ids.length;
        int d = dimensions;
        PriorityQueue<Hit> best =
                new PriorityQueue<>((a, b) -> Float.compare(a.similarity(), b.similarity()));
        for (int i = 0; i < n; i++) {
            float dot = dot(vectors, i * d, query, d);
            if (best.size() < k) {
                best.add(new Hit(i, dot));
            } else if (dot > best.peek().similarity()) {
                best.poll();
                best.add(new Hit(i, dot));
            }
        }
        List<Hit> hits = new ArrayList<>(best);
        hits.sort((a, b) -> Float.compare(b.similarity(), a.similarity()));
        return hits;
    }

    /**
     * The dot product of {@code query} and the vector at {@code base}: eight independent sums, so
     * that the additions pipeline (one running sum waits on each addition before the next).
     */
    private static float dot(float[] vectors, int base, float[] query, int d) {
        float s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        int j = 0;
        for (; j + 8 <= d; j += 8) {
            int v = base + j;
            s0 += vectors[v] * query[j];
            s1 += vectors[v + 1] * query[j + 1];
            s2 += vectors[v + 2] * query[j + 2];
            s3 += vectors[v + 3] * query[j + 3];
            s4 += vectors[v + 4] * query[j + 4];
            s5 += vectors[v + 5] * query[j + 5];
            s6 += vectors[v + 6] * query[j + 6];
            s7 += vectors[v + 7] * query[j + 7];
        }
        for (; j < d; j++) {
            s0 += vectors[base + j] * query[j];
        }
        return ((s0 + s1) + (s2 + s3)) + ((s4 + s5) + (s6 + s7));
    }

    private List<Hit> graphNearest(float[] query, int k) {
        List<Hit> hits = new ArrayList<>(k);
        for (SearchResult<Vector, Float> result : hnsw.findNearest(query, k)) {
            hits.add(new Hit(result.item().id(), 1 - result.distance()));
        }
        return hits;
    }

    /**
     * Saves the HNSW graph, so that loading the index does not build it again (minutes for 100,000
     * x 1024 on two cores; reading it back takes about a second): a header naming the index it
     * belongs to, then hnswlib's serialized form ({@link GeoGraphs}).
     */
    public void writeGraph(OutputStream out) throws IOException {
        if (hnsw == null) {
            throw new IllegalStateException(
                    "this index has no HNSW graph (Search.HNSW builds one)");
        }
        GeoGraphs.write(hnsw, id, ids.length, out);
    }

    static void normalize(float[] v, int offset, int length) {
        double sum = 0;
        for (int i = 0; i < length; i++) {
            sum += (double) v[offset + i] * v[offset + i];
        }
        if (sum == 0) {
            return;
        }
        float scale = (float) (1 / Math.sqrt(sum));
        for (int i = 0; i < length; i++) {
            v[offset + i] *= scale;
        }
    }

    /** An entry as hnswlib sees it. */
    record Vector(Integer id, float[] vector) implements Item<Integer, float[]> {
        private static final long serialVersionUID = 1L;

        @Override
        public int dimensions() {
            return vector.length;
        }
    }
}
