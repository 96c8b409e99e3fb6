package io.ocellus.operators.geo;

import io.ocellus.schemas.FrameResults;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds a geo estimate to each frame's results, with an index that can be replaced while the job
 * runs: each element of the broadcast side is the URI of a new index version. Every instance loads
 * it (once per TaskManager, shared) and answers from it from then on; frames keep flowing while it
 * loads (they wait in the input buffers), none is dropped. The URI in use is kept in broadcast
 * state, so a restarted job comes back with the index it had. An update that cannot be read, or was
 * built with another model, is refused with a log line and counter {@code geoIndexUpdatesRefused};
 * the current index stays. After a restore, an index that cannot be loaded now is tried again on a
 * back-off (1 s, doubling to 60 s), not on every frame; the frames are answered from the configured
 * index meanwhile. Counters {@code geoLookups}, {@code geoIndexSwaps}.
 */
public class GeoFunction extends BroadcastProcessFunction<FrameResults, String, FrameResults> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(GeoFunction.class);

    /** The broadcast state: key {@value #CURRENT}, the URI of the index in use. */
    public static final MapStateDescriptor<String, String> STATE =
            new MapStateDescriptor<>("ocellus-geo-index", Types.STRING, Types.STRING);

    static final String CURRENT = "current";

    private final GeoOptions options;
    private transient GeoStage stage;
    private transient Counter lookups;
    private transient Counter swaps;
    private transient Counter refused;
    private transient long retryAt;
    private transient long backoffMillis;

    static final long FIRST_RETRY_MILLIS = 1000;
    static final long LAST_RETRY_MILLIS = 60_000;

    public GeoFunction(GeoOptions options) {
        this.options = options;
    }

    @Override
    public void open(OpenContext context) throws Exception {
        stage = new GeoStage(options);
        retryAt = System.nanoTime();
        var metrics = getRuntimeContext().getMetricGroup();
        lookups = metrics.counter("geoLookups");
        swaps = metrics.counter("geoIndexSwaps");
        refused = metrics.counter("geoIndexUpdatesRefused");
        metrics.gauge("geoIndexSize", () -> stage == null ? 0 : stage.index().size());
    }

    @Override
    public void processElement(
            FrameResults results, ReadOnlyContext context, Collector<FrameResults> out)
            throws Exception {
        // After a restore the broadcast state names the index the job had; catch up lazily.
        String wanted = context.getBroadcastState(STATE).get(CURRENT);
        if (wanted != null && !wanted.equals(stage.uri()) && System.nanoTime() - retryAt >= 0) {
            if (trySwap(wanted)) {
                backoffMillis = 0;
            } else {
                backoffMillis =
                        backoffMillis == 0
                                ? FIRST_RETRY_MILLIS
                                : Math.min(LAST_RETRY_MILLIS, backoffMillis * 2);
                retryAt = System.nanoTime() + backoffMillis * 1_000_000;
            }
        }
        out.collect(stage.locate(results));
        lookups.inc();
    }

    @Override
    public void processBroadcastElement(String uri, Context context, Collector<FrameResults> out)
            throws Exception {
        String next = uri.trim();
        if (next.isEmpty() || next.equals(stage.uri())) {
            return;
        }
        if (trySwap(next)) {
            BroadcastState<String, String> state = context.getBroadcastState(STATE);
            state.put(CURRENT, next);
        }
    }

    private boolean trySwap(String next) {
        try {
            stage.swap(next);
            swaps.inc();
            LOG.info(
                    "geo index now {} ({} entries, id {})",
                    next,
                    stage.index().size(),
                    stage.index().id());
            return true;
        } catch (Exception e) {
            refused.inc();
            LOG.warn(
                    "geo index update {} refused, keeping {}: {}",
                    next,
                    stage.uri(),
                    e.getMessage());
            return false;
        }
    }

    /** How many updates were refused, for tests. */
    long refusedCount() {
        return refused.getCount();
    }

    @Override
    public void close() {
        if (stage != null) {
            stage.close();
            stage = null;
        }
    }
}
