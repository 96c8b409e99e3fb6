package io.ocellus.pipeline.cli;

import io.ocellus.pipeline.config.Jobs;
import io.ocellus.pipeline.local.LocalClusterWatchdog;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.flink.core.execution.JobClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code ocellus stream}: the streaming job. From a shell it runs on a local cluster in this JVM;
 * the job jar's {@code StreamJobMain} takes the same flags under {@code flink run}. The flags set
 * settings ({@code ocellus.*}, deploy/CONFIGURATION.md), which {@link Jobs#runStream} builds the
 * job from.
 */
@Command(
        name = "stream",
        mixinStandardHelpOptions = true,
        description =
                "Run the streaming job: frames from a Kafka topic through MobileNet to Avro result topics. Needs the bootstrap servers, the input and dead-letter topics and at least one output topic, as flags or settings (-D, the cluster's config.yaml).")
public final class StreamCommand implements Callable<Integer> {
    /** The cluster, the topics and the job's name. */
    @Command
    static final class TopicFlags extends FlagGroup {
        @Override
        protected List<List<Flag>> flags() {
            return List.of(Flags.TOPICS, Flags.STREAM);
        }
    }

    @Mixin ModelFlags model;

    @Mixin TopicFlags topics;

    @Mixin StreamOptions stream;

    @Override
    public Integer call() throws Exception {
        JobClient job = Jobs.startStream(stream.configuration());
        // On the embedded cluster, a TaskManager lost to a fatal error ends the process instead
        // of leaving it up with nothing running.
        LocalClusterWatchdog.exitWhenLost(job, "ocellus stream", ExitCode.CLUSTER_LOST.code());
        job.getJobExecutionResult().get();
        return 0;
    }
}
