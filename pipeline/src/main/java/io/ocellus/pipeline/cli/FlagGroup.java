package io.ocellus.pipeline.cli;

import io.ocellus.models.ModelException;
import io.ocellus.pipeline.config.BatchingOptions;
import io.ocellus.pipeline.config.Jobs;
import io.ocellus.pipeline.config.TaskOptions;
import java.io.IOException;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * A mixin of flags bound to settings ({@link Flags}): a subclass names its groups ({@link #flags}),
 * {@link Flags#install} adds them to the commands that mix it in, and {@link #configuration()}
 * reads what the command line set.
 */
public abstract class FlagGroup {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /** The settings given on this command line (flags and {@code -D}); defaults are left out. */
    public Configuration configuration() {
        return Flags.configuration(mixee);
    }

    /** Frames per forward pass ({@code ocellus.batching.size}). */
    public int batchSize() {
        return BatchingOptions.size(configuration());
    }

    /** Labels per classification ({@code ocellus.classify.top-k}). */
    public int top() {
        return TaskOptions.topK(configuration());
    }

    /** The parallelism asked for ({@code parallelism.default}), or null for the cluster's. */
    public Integer parallelism() {
        return configuration().getOptional(CoreOptions.DEFAULT_PARALLELISM).orElse(null);
    }

    /** The workflow for the tasks asked for; opens the model once to learn its input and id. */
    public Jobs.Workflow workflow(boolean classify, boolean embed, boolean features)
            throws ModelException, IOException {
        return Jobs.workflow(configuration(), classify, embed, features);
    }

    /** As above, with the detector of {@code ocellus.detect.*} when {@code detect} is on. */
    public Jobs.Workflow workflow(boolean classify, boolean embed, boolean features, boolean detect)
            throws ModelException, IOException {
        return Jobs.workflow(configuration(), classify, embed, features, detect);
    }

    /** The flags this mixin brings, group by group. */
    protected abstract List<List<Flag>> flags();

    /** Whether it also brings {@code -D KEY=VALUE} for any setting. */
    protected boolean takesAnySetting() {
        return false;
    }
}
