package io.ocellus.pipeline;

import io.ocellus.pipeline.cli.JobCommands;

/**
 * The entry class of the job jar for {@code flink run} and REST submission ({@code POST
 * /jars/<id>/run}): the arguments of {@code ocellus stream}. Unlike the command line it never calls
 * {@code System.exit}, which would take down a JobManager running it, and a failure reaches Flink
 * as an exception.
 */
public final class StreamJobMain {
    private StreamJobMain() {}

    public static void main(String[] args) throws Exception {
        JobCommands.stream(args);
    }
}
