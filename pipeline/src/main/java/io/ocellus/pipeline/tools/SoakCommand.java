package io.ocellus.pipeline.tools;

import io.ocellus.pipeline.cli.ModelFlags;
import io.ocellus.pipeline.cli.StreamOptions;
import io.ocellus.pipeline.internal.ProcessMemory;
import io.ocellus.pipeline.kafka.StreamJob;
import io.ocellus.pipeline.kafka.StreamJobOptions;
import io.ocellus.pipeline.workflow.WorkflowOptions;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * A long run through the in-process broker and the job at a fixed input rate, printing, every few
 * seconds, frames sent and done, the backlog left in Kafka and this JVM's resident and heap memory.
 * Two uses: overload (a rate above capacity for minutes: the backlog grows in Kafka, not in the
 * job's memory, and drains after the input stops) and soak (a million frames through a small model:
 * resident memory, TensorFlow's native memory included, flat after warm-up).
 */
@Command(
        name = "soak",
        mixinStandardHelpOptions = true,
        description =
                "Run the job at a fixed input rate (overload or soak) and report backlog and memory over time.")
public final class SoakCommand implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin ModelFlags model;
    @Mixin StreamOptions stream;

    @Option(
            names = "--image",
            paramLabel = "FILE",
            defaultValue = "../shared/images/cat_720p.jpg",
            description = "The frame to send. Default: ${DEFAULT-VALUE}.")
    Path image;

    @Option(
            names = "--rate",
            defaultValue = "100",
            description = "Frames sent per second. Default: ${DEFAULT-VALUE}.")
    double rate;

    @Option(
            names = "--seconds",
            defaultValue = "300",
            description = "How long frames are sent. Default: ${DEFAULT-VALUE}.")
    long seconds;

    @Option(
            names = "--frames",
            defaultValue = "0",
            description = "Stop sending after this many frames (0: no limit but --seconds).")
    long frames;

    @Option(
            names = "--every",
            defaultValue = "10",
            description = "Seconds between report lines. Default: ${DEFAULT-VALUE}.")
    long every;

    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong done = new AtomicLong();
    private volatile boolean stopped;
    private volatile long producerSeconds;
    private long peakBacklog;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        byte[] jpeg = Files.readAllBytes(image);
        WorkflowOptions workflow = stream.workflow(true, false, false).options();
        try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            kafka.createTopics(
                    2, List.of("soak-frames", "soak-classifications", "soak-dead-letters"));
            JobClient job = startJob(kafka, workflow);
            Thread reader = new Thread(() -> read(kafka), "soak-reader");
            reader.setDaemon(true);
            reader.start();
            Thread producer = new Thread(() -> send(kafka, jpeg), "soak-producer");
            producer.setDaemon(true);
            long start = System.nanoTime();
            producer.start();
            out.printf(
                    Locale.ROOT,
                    "sending %s at %.1f frames/s for %d s%s; %s delivery, parallelism %s%n",
                    image.getFileName(),
                    rate,
                    seconds,
                    frames > 0 ? " or " + frames + " frames" : "",
                    stream.guarantee(),
                    stream.parallelism() == null ? "default" : stream.parallelism());
            long drainedAt = monitor(producer, start, out);
            out.printf(
                    Locale.ROOT,
                    "sent %d frames in %d s; %s; peak backlog %d frames%n",
                    sent.get(),
                    producerSeconds,
                    drainedAt > 0
                            ? String.format(
                                    Locale.ROOT,
                                    "all done %.0f s after the start",
                                    (drainedAt - start) / 1e9)
                            : "NOT drained, " + (sent.get() - done.get()) + " frames left",
                    peakBacklog);
            stopped = true;
            job.cancel().get();
            return drainedAt > 0 ? 0 : 1;
        }
    }

    /**
     * Prints a line every {@code --every} seconds until the producer is done and the backlog is
     * drained (or long past hope); returns when it drained, -1 if it never did.
     */
    private long monitor(Thread producer, long start, PrintWriter out) throws InterruptedException {
        // rss - heap committed: TensorFlow's native memory, metaspace, threads, buffers
        out.println(
                "   s      sent      done   backlog  frames/s   rss MB  heap used/committed"
                        + "  rss-heap MB");
        long lastDone = 0;
        long lastAt = start;
        while (true) {
            Thread.sleep(every * 1000);
            long now = System.nanoTime();
            long d = done.get();
            long backlog = sent.get() - d;
            peakBacklog = Math.max(peakBacklog, backlog);
            long rss = ProcessMemory.residentMegabytes();
            long committed = ProcessMemory.heapCommittedMegabytes();
            out.printf(
                    Locale.ROOT,
                    "%4d %9d %9d %9d %9.1f %8d %9d/%-9d %11d%n",
                    (now - start) / 1_000_000_000L,
                    sent.get(),
                    d,
                    backlog,
                    (d - lastDone) * 1e9 / (now - lastAt),
                    rss,
                    ProcessMemory.heapUsedMegabytes(),
                    committed,
                    rss - committed);
            out.flush();
            lastDone = d;
            lastAt = now;
            if (!producer.isAlive() && backlog <= 0) {
                return now;
            }
            if (!producer.isAlive() && (now - start) / 1e9 > 3 * seconds + 600) {
                return -1; // never drained: reported by the caller
            }
        }
    }

    private void send(EmbeddedKafkaBroker kafka, byte[] jpeg) {
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        try (KafkaProducer<byte[], byte[]> producer =
                FrameClients.producer(kafka.bootstrapServers(), Map.of("linger.ms", "5"))) {
            for (long i = 0; frames <= 0 || i < frames; i++) {
                long due = start + (long) (i * 1e9 / rate);
                if (due > end) {
                    break;
                }
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                producer.send(
                        FrameClients.rawFrame("soak-frames", "camera-" + (i % 16), "f" + i, jpeg));
                sent.incrementAndGet();
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producerSeconds = (System.nanoTime() - start) / 1_000_000_000L;
    }

    private void read(EmbeddedKafkaBroker kafka) {
        try (KafkaConsumer<byte[], byte[]> consumer =
                FrameClients.committedReader(kafka.bootstrapServers(), Map.of(), "soak-reader")) {
            consumer.subscribe(List.of("soak-classifications", "soak-dead-letters"));
            while (!stopped) {
                done.addAndGet(consumer.poll(Duration.ofMillis(500)).count());
            }
        }
    }

    private JobClient startJob(EmbeddedKafkaBroker kafka, WorkflowOptions workflow)
            throws Exception {
        StreamJobOptions options =
                stream.classificationJob(
                        kafka.bootstrapServers(),
                        "soak-frames",
                        "soak-classifications",
                        "soak-dead-letters",
                        "ocellus-soak",
                        false,
                        workflow);
        StreamExecutionEnvironment env = stream.environment(null, null);
        StreamJob.define(env, options);
        return env.executeAsync("ocellus-soak");
    }
}
