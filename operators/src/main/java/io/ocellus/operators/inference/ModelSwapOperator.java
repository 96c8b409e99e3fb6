package io.ocellus.operators.inference;

import io.ocellus.operators.batch.AbstractMicroBatchOperator;
import io.ocellus.operators.batch.MicroBatchOptions;
import io.ocellus.operators.decode.DecodedFrame;
import io.ocellus.schemas.FrameResults;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The micro-batched inference of {@link AbstractMicroBatchOperator} with a second, broadcast input:
 * records of the model-updates topic, each naming a new model ({@link ModelUpdate.Reader}). On one,
 * the batch in progress is finished with the current model, then the new one is opened (once per
 * TaskManager: the factories are shared), warmed up and checked against the job's tasks, and serves
 * every batch after; frames wait in the input buffers meanwhile, none is dropped or run twice. A
 * record that cannot be read, a model that does not load or does not serve the tasks is refused
 * with a log line and the counter {@code modelUpdatesRefused}; the current model stays.
 *
 * <p>The update in use is kept in union operator state with a generation number, so a restore (from
 * a checkpoint or a savepoint, at any parallelism) comes back with the model the job had; updates
 * read after that checkpoint are read again and applied again. Metrics: {@code modelSwaps}, {@code
 * modelUpdatesRefused}, gauge {@code modelGeneration} (0: the model the job was started with).
 */
public final class ModelSwapOperator
        extends AbstractMicroBatchOperator<DecodedFrame, FrameResults, InferenceFunction>
        implements TwoInputStreamOperator<DecodedFrame, String, FrameResults>, BoundedMultiInput {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ModelSwapOperator.class);

    /** Union state: at most one entry, {@code generation + "\n" + record}. */
    static final ListStateDescriptor<String> STATE =
            new ListStateDescriptor<>("ocellus-model-update", Types.STRING);

    private transient ListState<String> state;
    private transient long generation;
    private transient String current;
    private transient Counter swaps;
    private transient Counter refused;

    public ModelSwapOperator(InferenceFunction function, MicroBatchOptions options) {
        super(function, options);
        if (!function.swappable()) {
            throw new IllegalArgumentException("the inference function takes no model updates");
        }
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        state = context.getOperatorStateStore().getUnionListState(STATE);
        for (String entry : state.get()) { // every instance's copy: the newest wins
            int cut = entry.indexOf('\n');
            long g = Long.parseLong(entry.substring(0, cut));
            if (g > generation) {
                generation = g;
                current = entry.substring(cut + 1);
            }
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        swaps = getMetricGroup().counter("modelSwaps");
        refused = getMetricGroup().counter("modelUpdatesRefused");
        getMetricGroup().gauge("modelGeneration", () -> generation);
        if (current != null) {
            try {
                String model = function.swap(current);
                LOG.info("restored the model in use at generation {}: {}", generation, model);
            } catch (Exception e) {
                refused.inc();
                LOG.warn(
                        "the model in use before the restore (generation {}) cannot be loaded"
                                + " now, serving the job's configured model: {}",
                        generation,
                        e.toString());
                current = null;
                generation = 0;
            }
        }
    }

    @Override
    public void processElement1(StreamRecord<DecodedFrame> element) throws Exception {
        add(element);
    }

    @Override
    public void processElement2(StreamRecord<String> element) throws Exception {
        String update = element.getValue() == null ? "" : element.getValue().strip();
        if (update.isEmpty() || update.equals(current)) {
            return;
        }
        flush(); // the frames that came before the update are answered by the model they met
        try {
            String model = function.swap(update);
            generation++;
            current = update;
            swaps.inc();
            LOG.info("model swapped (generation {}): {}", generation, model);
        } catch (Exception e) {
            refused.inc();
            LOG.warn("model update refused, keeping {}: {}", function.modelLabel(), e.toString());
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        state.update(current == null ? List.of() : List.of(generation + "\n" + current));
    }

    @Override
    public void endInput(int inputId) throws Exception {
        if (inputId == 1) {
            flush();
        }
    }
}
