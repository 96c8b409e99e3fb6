package io.ocellus.pipeline.kafka;

import io.ocellus.schemas.DeadLetter;
import io.ocellus.schemas.FrameRef;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;
import org.apache.flink.util.function.SerializableFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures what leaves the job, just before a sink, in the group {@code output=<kind>}: {@code
 * records} (a counter), {@code latencyMs} (a histogram from the frame's event time to now) and
 * {@code kafkaLatencyMs} (from the timestamp of the frame's input record, for frames that came from
 * Kafka). Dead letters are also counted by stage and reason ({@code stage=...,
 * reason=...,deadLetters}) and logged, at most {@value #LOG_LINES_PER_MINUTE} lines a minute: the
 * rest are counted in {@code deadLetterLogsSuppressed} and summed up in one line a minute. Each
 * model seen in results gets an info gauge {@code model=<id>,modelInfo}: 1 while it is the model
 * whose results this instance last emitted, 0 once another has taken its place (Flink cannot remove
 * a single metric of a running task, so a swapped-out model's gauge stays, at 0). At most {@value
 * #MAX_MODEL_GAUGES} models get one per task: model ids carry versions that model updates name.
 *
 * @param <T> the records (results or dead letters)
 */
public final class EmitMetrics<T> extends RichMapFunction<T, T> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(EmitMetrics.class);

    /** Dead-letter log lines per minute and task, at most. */
    static final int LOG_LINES_PER_MINUTE = 10;

    private static final int HISTOGRAM_WINDOW = 1024;

    /** Model info gauges per task, at most. */
    static final int MAX_MODEL_GAUGES = 32;

    /** The {@code modelInfo} gauges: 1 for the model last seen, 0 for those it replaced. */
    static final class ModelGauges {
        private final MetricGroup group;
        private final Set<String> registered = new HashSet<>();
        private volatile String current;

        ModelGauges(MetricGroup group) {
            this.group = group;
        }

        void seen(String modelId) {
            if (modelId.equals(current)) {
                return;
            }
            current = modelId;
            if (registered.size() < MAX_MODEL_GAUGES && registered.add(modelId)) {
                group.addGroup("model", modelId)
                        .gauge("modelInfo", () -> modelId.equals(current) ? 1 : 0);
            }
        }
    }

    private final String kind;
    private final SerializableFunction<T, FrameRef> frame;
    private final SerializableFunction<T, String> model;

    private transient MetricGroup group;
    private transient Counter records;
    private transient Histogram latency;
    private transient Histogram kafkaLatency;
    private transient Map<String, Counter> byReason;
    private transient ModelGauges models;
    private transient Counter suppressed;
    private transient LogBudget logBudget;

    /**
     * @param kind what the records are: names the group ({@code classifications}, {@code
     *     dead-letters}, ...)
     * @param frame the frame a record belongs to, or null for none
     * @param model the id of the model that made a record, or null
     */
    public EmitMetrics(
            String kind,
            SerializableFunction<T, FrameRef> frame,
            SerializableFunction<T, String> model) {
        this.kind = kind;
        this.frame = frame;
        this.model = model;
    }

    @Override
    public void open(OpenContext context) {
        group = getRuntimeContext().getMetricGroup().addGroup("output", kind);
        records = group.counter("records");
        latency =
                group.histogram("latencyMs", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        kafkaLatency =
                group.histogram(
                        "kafkaLatencyMs", new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        byReason = new HashMap<>();
        models = new ModelGauges(group);
        suppressed = group.counter("deadLetterLogsSuppressed");
        logBudget = new LogBudget(LOG_LINES_PER_MINUTE, 60_000);
    }

    @Override
    public T map(T record) {
        long now = System.currentTimeMillis();
        records.inc();
        FrameRef ref = frame.apply(record);
        if (ref != null) {
            latency.update(Math.max(0, now - ref.getEventTime().toEpochMilli()));
            if (ref.getKafkaTimestamp() != null) {
                kafkaLatency.update(Math.max(0, now - ref.getKafkaTimestamp().toEpochMilli()));
            }
        }
        if (record instanceof DeadLetter letter) {
            deadLetter(letter, now);
        }
        String modelId = model.apply(record);
        if (modelId != null) {
            models.seen(modelId);
        }
        return record;
    }

    private void deadLetter(DeadLetter letter, long now) {
        String stage = letter.getStage().name();
        String reason = letter.getReasonCode().toString();
        byReason.computeIfAbsent(
                        stage + "/" + reason,
                        k ->
                                group.addGroup("stage", stage)
                                        .addGroup("reason", reason)
                                        .counter("deadLetters"))
                .inc();
        boolean log = logBudget.take(now);
        long left = logBudget.closeWindow();
        if (left > 0) {
            LOG.warn(
                    "{} dead letters of the last minute were not logged"
                            + " (deadLetterLogsSuppressed)",
                    left);
        }
        if (log) {
            FrameRef ref = letter.getFrame();
            LOG.warn(
                    "Dead letter {} {} at {}: {}",
                    ref == null ? "(no frame)" : ref.getSourceId() + "/" + ref.getFrameId(),
                    reason,
                    stage,
                    letter.getMessage());
        } else {
            suppressed.inc();
        }
    }
}
