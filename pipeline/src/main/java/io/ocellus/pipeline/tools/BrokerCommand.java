package io.ocellus.pipeline.tools;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs an Apache Kafka broker (KRaft, one node, 127.0.0.1 only) in this process until it is
 * terminated: a separate broker process for end-to-end tests against a real cluster, with the same
 * settings as the demo's. Prints {@code bootstrap.servers=127.0.0.1:PORT} once it is up.
 */
@Command(
        name = "broker",
        mixinStandardHelpOptions = true,
        description =
                "Run a single-node Kafka broker on 127.0.0.1 until terminated; prints bootstrap.servers=HOST:PORT.")
public final class BrokerCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
            names = "--topic",
            paramLabel = "NAME",
            description = "A topic to create once the broker is up; repeatable.")
    List<String> topics = List.of();

    @Option(
            names = "--partitions",
            defaultValue = "2",
            description = "Partitions per created topic. Default: ${DEFAULT-VALUE}.")
    int partitions;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    kafka.close(); // stops the broker, deletes its data
                                    stopped.countDown();
                                },
                                "broker-shutdown"));
        if (!topics.isEmpty()) {
            kafka.createTopics(partitions, topics);
        }
        out.println("bootstrap.servers=" + kafka.bootstrapServers());
        out.flush();
        stopped.await();
        return 0;
    }
}
