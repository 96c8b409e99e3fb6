package io.ocellus.pipeline.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.ocellus.models.inference.EngineFactory;
import io.ocellus.models.inference.Outputs;
import io.ocellus.models.inference.SharedPredictorFactory;
import io.ocellus.models.io.ModelLocator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

/** The client's half of a job: the model it probes, and the engine the tasks will open. */
class JobsTest {
    @Test
    void warmsTheTasksEngineUpOnTheOutputsTheJobAsksFor() throws Exception {
        Configuration config = new Configuration();
        config.set(ModelOptions.PATH, model("mobilenet_v1_0.25_128_quant.tflite").toString());
        config.set(TaskOptions.TOP_K, 3);
        Jobs.Workflow workflow = Jobs.workflow(config, true, true, false);
        EngineFactory engine =
                (EngineFactory) ((SharedPredictorFactory) workflow.options().model()).factory();
        assertThat(engine.options().warmUpOutputs())
                .isEqualTo(workflow.options().tasks().outputs())
                .isEqualTo(new Outputs(3, false, true, true, Set.of()));
        assertThat(engine.options().warmUpBatchSizes())
                .containsExactly(BatchingOptions.size(config));
    }

    @Test
    void refusesOnTheClientAModelThatCannotServeTheTasks() {
        Path detector = ModelLocator.defaultDetectorDirectory();
        assumeTrue(detector != null && Files.isDirectory(detector), "no detector: skipped");
        Configuration config = new Configuration();
        config.set(ModelOptions.PATH, detector.toString());
        assertThatThrownBy(() -> Jobs.workflow(config, true, false, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is a detector");
    }

    private static Path model(String file) {
        Path dir = ModelLocator.defaultDirectory();
        assumeTrue(dir != null && Files.isDirectory(dir), "MobileNet weights not found: skipped");
        return dir.resolve(file);
    }
}
