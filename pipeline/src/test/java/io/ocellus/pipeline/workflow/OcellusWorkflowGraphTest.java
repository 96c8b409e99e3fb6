package io.ocellus.pipeline.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocellus.operators.batch.MicroBatchOptions;
import io.ocellus.operators.decode.DecodeOptions;
import io.ocellus.operators.inference.InferenceTasks;
import io.ocellus.pipeline.testutils.Samples;
import io.ocellus.schemas.ImageFrame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;

/** Where the workflow's operators run: which of them share a task (an operator chain). */
class OcellusWorkflowGraphTest {
    @Test
    void decodingIsChainedWithInferenceUnlessASeparateTaskIsAskedFor() throws Exception {
        WorkflowOptions options =
                new WorkflowOptions(
                        Samples.engine(0.25, 128),
                        new InferenceTasks(3, false, true, false),
                        new MicroBatchOptions(4, Duration.ofMillis(100)),
                        DecodeOptions.defaults());

        List<String> chained = tasks(options);
        assertThat(chained).anyMatch(t -> t.contains("decode") && t.contains("inference"));

        List<String> separate = tasks(options.withSeparateDecodeTask(true));
        assertThat(separate).anyMatch(t -> t.contains("decode") && !t.contains("inference"));
        assertThat(separate).anyMatch(t -> t.contains("inference") && !t.contains("decode"));
        assertThat(separate).hasSize(chained.size() + 1);
    }

    /** The names of the job's tasks (vertices), each listing its chained operators. */
    private static List<String> tasks(WorkflowOptions options) {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        WorkflowOutputs out =
                OcellusWorkflow.define(
                        env.fromData(List.of(), TypeInformation.of(ImageFrame.class)), options);
        out.classifications().sinkTo(new DiscardingSink<>());
        out.deadLetters().sinkTo(new DiscardingSink<>());
        List<String> names = new ArrayList<>();
        for (JobVertex vertex : env.getStreamGraph().getJobGraph().getVertices()) {
            names.add(vertex.getName());
        }
        return names;
    }
}
