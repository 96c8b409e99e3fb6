package io.ocellus.pipeline;

import io.ocellus.pipeline.archive.ReprocessRun;
import io.ocellus.pipeline.cli.JobCommands;
import io.ocellus.pipeline.config.Jobs;
import org.apache.flink.configuration.Configuration;

/**
 * An entry class of the job jar for {@code flink run -c io.ocellus.pipeline.ReprocessJobMain}: the
 * flags of {@code ocellus reprocess} become settings, over the cluster's configuration, and {@link
 * Jobs#reprocess} plans the run. Attached mode: the client plans the run, waits for it and prints
 * the summary. Never calls {@code System.exit}; a run that does not account for every entry fails.
 */
public final class ReprocessJobMain {
    private ReprocessJobMain() {}

    public static void main(String[] args) throws Exception {
        Configuration settings = JobCommands.reprocessSettings(args);
        if (settings == null) {
            return;
        }
        ReprocessRun.Summary summary =
                Jobs.reprocess(Jobs.effective(Jobs.environment(settings), settings))
                        .run()
                        .run(ReprocessRun.Listener.NONE);
        JobCommands.report(summary);
        if (!summary.accounted()) {
            throw new IllegalStateException(
                    "reprocess did not account for every entry: see the summary above");
        }
    }
}
