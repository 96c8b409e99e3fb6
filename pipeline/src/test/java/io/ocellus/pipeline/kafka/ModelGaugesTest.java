package io.ocellus.pipeline.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.junit.jupiter.api.Test;

class ModelGaugesTest {
    /** Keeps the gauges registered under {@code model=<id>}. */
    private static final class Recording extends UnregisteredMetricsGroup {
        final Map<String, Gauge<?>> byModel = new LinkedHashMap<>();

        @Override
        public MetricGroup addGroup(String key, String value) {
            Recording parent = this;
            return new UnregisteredMetricsGroup() {
                @Override
                public <T, G extends Gauge<T>> G gauge(String name, G gauge) {
                    parent.byModel.put(value, gauge);
                    return gauge;
                }
            };
        }

        Object value(String id) {
            return byModel.get(id).getValue();
        }
    }

    @Test
    void aSwappedOutModelsGaugeFallsToZeroAndVersionsCannotGrowThemWithoutBound() {
        Recording group = new Recording();
        EmitMetrics.ModelGauges gauges = new EmitMetrics.ModelGauges(group);
        gauges.seen("mobilenet_v1_0.25_128");
        gauges.seen("mobilenet_v1_0.25_128");
        assertThat(group.value("mobilenet_v1_0.25_128")).isEqualTo(1);
        gauges.seen("mobilenet_v1_0.5_160@v2");
        assertThat(group.value("mobilenet_v1_0.25_128")).isEqualTo(0);
        assertThat(group.value("mobilenet_v1_0.5_160@v2")).isEqualTo(1);
        for (int i = 0; i < 100; i++) {
            gauges.seen("mobilenet_v1_0.5_160@v" + (100 + i));
        }
        assertThat(group.byModel).hasSize(EmitMetrics.MAX_MODEL_GAUGES);
        assertThat(group.byModel.values()).allMatch(g -> g.getValue().equals(0));
    }
}
