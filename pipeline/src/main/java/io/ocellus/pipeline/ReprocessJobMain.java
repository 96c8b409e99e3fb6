package io.ocellus.pipeline;

import io.ocellus.pipeline.cli.JobCommands;

/**
 * An entry class of the job jar for {@code flink run -c io.ocellus.pipeline.ReprocessJobMain}: the
 * arguments of {@code ocellus reprocess}, run against the cluster. Attached mode: the client plans
 * the run, follows its progress and prints the summary. Never calls {@code System.exit}.
 */
public final class ReprocessJobMain {
    private ReprocessJobMain() {}

    public static void main(String[] args) throws Exception {
        JobCommands.reprocess(args);
    }
}
