package io.ocellus.pipeline;

import io.ocellus.pipeline.cli.JobCommands;
import io.ocellus.pipeline.config.Jobs;
import org.apache.flink.configuration.Configuration;

/**
 * The entry class of the job jar for {@code flink run} and REST submission ({@code POST
 * /jars/<id>/run}): the flags of {@code ocellus stream} become settings, over the cluster's own
 * configuration ({@code config.yaml}, {@code flink run -D ocellus.batching.size=16}), and {@link
 * Jobs#runStream} builds the job from them. Unlike the command line it never calls {@code
 * System.exit}, which would take down a JobManager running it, and a failure reaches Flink as an
 * exception.
 */
public final class StreamJobMain {
    private StreamJobMain() {}

    public static void main(String[] args) throws Exception {
        Configuration settings = JobCommands.streamSettings(args);
        if (settings != null) {
            Jobs.runStream(settings);
        }
    }
}
