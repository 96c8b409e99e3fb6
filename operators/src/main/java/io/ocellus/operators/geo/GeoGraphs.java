package io.ocellus.operators.geo;

import com.github.jelmerk.hnswlib.core.DistanceFunctions;
import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/**
 * The HNSW graph of a {@link GeoIndex}: built with hnswlib (M 16, ef 200), saved with a header
 * naming the index it belongs to, and read back through an {@link ObjectInputFilter} that admits
 * only the classes of such a graph, so that a crafted file cannot instantiate others.
 */
final class GeoGraphs {
    static final String MAGIC = "ocellus-geo-hnsw-1";

    private GeoGraphs() {}

    /** A graph over {@code size} vectors of {@code dimensions}, packed in {@code vectors}. */
    static HnswIndex<Integer, float[], GeoIndex.Vector, Float> build(
            float[] vectors, int dimensions, int size) {
        HnswIndex<Integer, float[], GeoIndex.Vector, Float> graph =
                HnswIndex.newBuilder(dimensions, DistanceFunctions.FLOAT_INNER_PRODUCT, size)
                        .withM(16)
                        .withEfConstruction(200)
                        .withEf(200)
                        .build();
        List<GeoIndex.Vector> items = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            float[] v = new float[dimensions];
            System.arraycopy(vectors, i * dimensions, v, 0, dimensions);
            items.add(new GeoIndex.Vector(i, v));
        }
        try {
            graph.addAll(items);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the HNSW graph", e);
        }
        return graph;
    }

    /** Writes the header (magic, index id, size) and the graph. */
    static void write(
            HnswIndex<Integer, float[], GeoIndex.Vector, Float> graph,
            String id,
            int size,
            OutputStream out)
            throws IOException {
        DataOutputStream header = new DataOutputStream(out);
        header.writeUTF(MAGIC);
        header.writeUTF(id);
        header.writeInt(size);
        header.flush();
        ObjectOutputStream objects = new ObjectOutputStream(out);
        objects.writeObject(graph);
        objects.flush();
    }

    /** A saved graph, or null (logged) when it belongs to another index or version of it. */
    @SuppressWarnings("unchecked")
    static HnswIndex<Integer, float[], GeoIndex.Vector, Float> read(
            InputStream in, String id, int size) throws IOException {
        DataInputStream header = new DataInputStream(in);
        if (!MAGIC.equals(header.readUTF())) {
            throw new IOException("not a saved Ocellus HNSW graph");
        }
        String graphId = header.readUTF();
        int graphSize = header.readInt();
        if (!graphId.equals(id) || graphSize != size) {
            LoggerFactory.getLogger(GeoIndex.class)
                    .warn(
                            "saved HNSW graph of index {} ({} entries) ignored for index {} ({}):"
                                    + " building the graph",
                            graphId,
                            graphSize,
                            id,
                            size);
            return null;
        }
        ObjectInputStream objects =
                new ObjectInputStream(in) {
                    @Override
                    protected Class<?> resolveClass(ObjectStreamClass desc)
                            throws IOException, ClassNotFoundException {
                        return Class.forName(
                                desc.getName(), false, GeoIndex.class.getClassLoader());
                    }
                };
        objects.setObjectInputFilter(
                ObjectInputFilter.Config.createFilter(
                        "maxdepth=64;com.github.jelmerk.hnswlib.**;org.eclipse.collections.**;"
                                + "io.ocellus.operators.geo.GeoIndex$Vector;java.lang.*;java.util.*;"
                                + "java.util.concurrent.**;java.lang.invoke.SerializedLambda;!*"));
        try {
            return (HnswIndex<Integer, float[], GeoIndex.Vector, Float>) objects.readObject();
        } catch (ClassNotFoundException | ClassCastException e) {
            throw new IOException("unreadable saved HNSW graph: " + e, e);
        }
    }
}
