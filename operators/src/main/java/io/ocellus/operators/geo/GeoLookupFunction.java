package io.ocellus.operators.geo;

import io.ocellus.schemas.FrameResults;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Adds a geo estimate to each frame's results from a fixed index (batch jobs, and streams without
 * index updates). Counter {@code geoLookups}.
 */
public class GeoLookupFunction extends ProcessFunction<FrameResults, FrameResults> {
    private static final long serialVersionUID = 1L;

    private final GeoOptions options;
    private transient GeoStage stage;
    private transient Counter lookups;

    public GeoLookupFunction(GeoOptions options) {
        this.options = options;
    }

    @Override
    public void open(OpenContext context) throws Exception {
        stage = new GeoStage(options);
        lookups = getRuntimeContext().getMetricGroup().counter("geoLookups");
        getRuntimeContext()
                .getMetricGroup()
                .gauge("geoIndexSize", () -> stage == null ? 0 : stage.index().size());
    }

    @Override
    public void processElement(FrameResults results, Context context, Collector<FrameResults> out) {
        out.collect(stage.locate(results));
        lookups.inc();
    }

    @Override
    public void close() {
        if (stage != null) {
            stage.close();
            stage = null;
        }
    }
}
