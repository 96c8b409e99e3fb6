package io.ocellus.pipeline.cli;

import java.util.List;
import picocli.CommandLine.Command;

/**
 * What the workflow does and how: tasks' shape, batching, decoding limits, parallelism, engine
 * sharing, the geo stage and its estimator, the detector and the boxes it keeps.
 */
@Command
public final class WorkflowFlags extends FlagGroup {
    @Override
    protected List<List<Flag>> flags() {
        return List.of(Flags.WORKFLOW, Flags.GEO_ESTIMATOR, Flags.DETECTOR, Flags.DETECTION_QUERY);
    }
}
