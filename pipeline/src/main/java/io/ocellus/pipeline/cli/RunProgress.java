package io.ocellus.pipeline.cli;

import io.ocellus.pipeline.archive.ArchivePlan;
import io.ocellus.pipeline.archive.ReprocessRun;
import java.io.PrintWriter;
import java.util.Locale;

/** Shows an archive run on the terminal: its plan, then a progress bar. */
final class RunProgress implements ReprocessRun.Listener {
    private final PrintWriter err;
    private final boolean bar;
    private final String modelId;
    private Progress progress;

    RunProgress(PrintWriter err, boolean bar, String modelId) {
        this.err = err;
        this.bar = bar;
        this.modelId = modelId;
    }

    @Override
    public void planned(ArchivePlan plan) {
        err.printf(
                Locale.ROOT,
                "reprocess: %d entries in %d files, %d done before (skipped), %d to process with %s%n",
                plan.entries(),
                plan.files(),
                plan.skipped(),
                plan.toProcess(),
                modelId);
        err.flush();
        progress = new Progress(err, plan.toProcess(), bar);
    }

    @Override
    public void progress(long done) {
        progress.update(done, System.currentTimeMillis());
    }

    /** Ends the bar's line. */
    void finish() {
        if (progress != null) {
            progress.finish();
        }
    }
}
