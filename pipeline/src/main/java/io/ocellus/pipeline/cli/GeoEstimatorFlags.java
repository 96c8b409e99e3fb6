package io.ocellus.pipeline.cli;

import java.util.List;
import picocli.CommandLine.Command;

/**
 * The location estimator's flags, for {@code geo-index eval} (the jobs take them with the rest).
 */
@Command
public final class GeoEstimatorFlags extends FlagGroup {
    @Override
    protected List<List<Flag>> flags() {
        return List.of(Flags.GEO_ESTIMATOR);
    }
}
