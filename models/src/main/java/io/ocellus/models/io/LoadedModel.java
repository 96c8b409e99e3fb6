package io.ocellus.models.io;

import io.ocellus.models.inference.Labels;
import org.tensorflow.Graph;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;

/**
 * A model in native memory: a TensorFlow graph and the session that runs it, with the tensors to
 * feed and fetch and the class labels.
 *
 * <p>Owns its graph and session (or SavedModel bundle) and releases them in {@link #close()}, which
 * is safe to call twice. The session is thread-safe; the object itself is not meant to be shared
 * across owners: hand it to one {@code InferenceEngine}.
 */
public final class LoadedModel implements AutoCloseable {
    private final Graph graph;
    private final Session session;
    private final SavedModelBundle bundle;
    private final ModelSignature signature;
    private final Labels labels;
    private boolean closed;

    LoadedModel(Graph graph, Session session, ModelSignature signature, Labels labels) {
        this.graph = graph;
        this.session = session;
        this.bundle = null;
        this.signature = signature;
        this.labels = labels;
    }

    LoadedModel(SavedModelBundle bundle, ModelSignature signature, Labels labels) {
        this.graph = bundle.graph();
        this.session = bundle.session();
        this.bundle = bundle;
        this.signature = signature;
        this.labels = labels;
    }

    public ModelSignature signature() {
        return signature;
    }

    public Labels labels() {
        return labels;
    }

    /** The session; valid until {@link #close()}. */
    public Session session() {
        checkOpen();
        return session;
    }

    /** The graph; valid until {@link #close()}. */
    public Graph graph() {
        checkOpen();
        return graph;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("model " + signature.modelId() + " is closed");
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (bundle != null) {
            bundle.close();
            return;
        }
        try {
            session.close();
        } finally {
            graph.close();
        }
    }
}
