package io.ocellus.pipeline.tools;

import io.ocellus.models.image.ImageDecoder;
import io.ocellus.models.image.ScaledJpegDecoder;
import io.ocellus.models.inference.Outputs;
import io.ocellus.models.inference.Predictor;
import io.ocellus.models.inference.RgbImage;
import io.ocellus.pipeline.cli.ModelFlags;
import io.ocellus.pipeline.cli.StreamOptions;
import io.ocellus.pipeline.internal.ProcessMemory;
import io.ocellus.pipeline.kafka.KafkaCodec;
import io.ocellus.pipeline.kafka.StreamJob;
import io.ocellus.pipeline.kafka.StreamJobOptions;
import io.ocellus.pipeline.workflow.WorkflowOptions;
import io.ocellus.schemas.Classification;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ocellus bench-pipeline}: frames through Kafka, the job and back to Kafka on this machine,
 * next to the decode-only and engine-only figures measured in the same run. Phase one sends a
 * backlog and measures throughput between the first and last result; phase two sends frames at 70%
 * of that rate and measures each frame's latency from send to result.
 */
@Command(
        name = "bench-pipeline",
        mixinStandardHelpOptions = true,
        description =
                "Measure end-to-end frames/s and latency through Kafka and the streaming job, against decode-only and engine-only figures.")
public final class BenchPipelineCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Mixin ModelFlags model;

    @Mixin StreamOptions stream;

    @Option(
            names = "--image",
            paramLabel = "FILE",
            defaultValue = "../shared/images/cat_720p.jpg",
            description = "The frame to send (a 720p JPEG). Default: ${DEFAULT-VALUE}.")
    Path image;

    @Option(
            names = "--frames",
            defaultValue = "300",
            description = "Frames per phase. Default: ${DEFAULT-VALUE}.")
    int frames;

    @Option(
            names = "--detect",
            description =
                    "Also run the detector (--detector, default the SSD in ../shared) beside the"
                            + " classifier, one decode per frame; the ceiling counts both models.")
    boolean detect;

    @Option(
            names = "--warmup-seconds",
            defaultValue = "20",
            description =
                    "Send bursts of frames through the job for at least this long before measuring, and on until the JIT has settled (--warmup-max-seconds). Default: ${DEFAULT-VALUE}.")
    int warmupSeconds;

    @Option(
            names = "--warmup-max-seconds",
            defaultValue = "240",
            description =
                    "After --warmup-seconds, go on warming up until a burst in which the JIT compiled for under 3%% of the cores' time (on 2 cores it is still compiling the broker's, the Kafka clients' and Flink's code after a minute, on a quarter of a core), but no longer than this. Default: ${DEFAULT-VALUE}.")
    int warmupMaxSeconds;

    private final Map<String, Long> arrivals = new ConcurrentHashMap<>();

    @Option(
            names = "--rounds",
            defaultValue = "5",
            description =
                    "Rounds of decode-only, engine-only and end-to-end measurements, interleaved so that a shared machine's drift hits all three alike; the median is reported. Default: ${DEFAULT-VALUE}.")
    int rounds;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        byte[] jpeg = Files.readAllBytes(image);
        WorkflowOptions workflow = stream.workflow(true, false, false, detect).options();
        try (ScaledJpegDecoder scaler = new ScaledJpegDecoder();
                Predictor engine = workflow.model().open();
                Predictor detector = detect ? workflow.detector().open() : null;
                EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
            // the decoder the job's decode operator uses
            ImageDecoder decoder = new ImageDecoder(workflow.decoding().maxPixels());
            if (workflow.decoding().jpegMinSide() > 0) {
                decoder = decoder.withJpegScaling(scaler, workflow.decoding().jpegMinSide());
            }
            RgbImage decoded = decoder.decode(jpeg);
            out.printf(
                    Locale.ROOT,
                    "frame: %s, %d bytes, decoded at %dx%d; %d cores; batch %d, parallelism %d%n",
                    image.getFileName(),
                    jpeg.length,
                    decoded.width(),
                    decoded.height(),
                    Runtime.getRuntime().availableProcessors(),
                    stream.batchSize(),
                    parallelism());
            out.flush();
            kafka.createTopics(
                    1,
                    List.of(
                            "bench-frames",
                            "bench-classifications",
                            "bench-detections",
                            "bench-dead-letters"));
            JobClient job = startJob(kafka, workflow);
            Thread reader = new Thread(() -> read(kafka), "bench-reader");
            reader.setDaemon(true);
            reader.start();
            try {
                warmUp(kafka, jpeg, out);
                double fps = rounds(kafka, jpeg, decoder, engine, detector, decoded, out);
                latency(kafka, jpeg, 0.7 * fps, out);
            } finally {
                job.cancel().get();
            }
        }
        out.flush();
        return 0;
    }

    /**
     * The JIT's share of the cores above which a warm-up goes on: a steady job compiles little, and
     * what it compiles during a measured burst takes the cores from the job (before this rule, with
     * a 20 s warm-up on 2 cores, a quarter of a core through the measured bursts).
     */
    static final double SETTLED_JIT_SHARE = 0.03;

    /**
     * Warms up the JIT, the model's batch shapes and Kafka's buffers: bursts of frames for at least
     * {@link #warmupSeconds}, then on until the JIT has settled ({@link #SETTLED_JIT_SHARE}) or
     * {@link #warmupMaxSeconds} have passed.
     */
    private void warmUp(EmbeddedKafkaBroker kafka, byte[] jpeg, PrintWriter out) throws Exception {
        int warm = Math.max(2 * stream.batchSize() * parallelism(), frames);
        long start = System.nanoTime();
        int bursts = 0;
        double jit;
        double seconds;
        do {
            BenchTiming.JitMeter meter = new BenchTiming.JitMeter();
            String phase = "warm" + bursts++;
            send(kafka, jpeg, phase, warm, 0);
            awaitResults(phase, warm);
            jit = meter.share();
            seconds = (System.nanoTime() - start) / 1e9;
        } while (seconds < Math.max(1, warmupSeconds)
                || (jit > SETTLED_JIT_SHARE && seconds < warmupMaxSeconds));
        out.printf(
                Locale.ROOT,
                "warm-up: %d frames in %.1f s; the JIT compiled for %.1f%% of the cores' time in the"
                        + " last burst%s%n",
                bursts * warm,
                seconds,
                100 * jit,
                jit > SETTLED_JIT_SHARE ? " (not settled: --warmup-max-seconds reached)" : "");
        out.flush();
    }

    /**
     * Interleaved rounds of decode-only, engine-only and end-to-end measurements; prints each and
     * the medians, and returns the median end-to-end rate.
     */
    private double rounds(
            EmbeddedKafkaBroker kafka,
            byte[] jpeg,
            ImageDecoder decoder,
            Predictor engine,
            Predictor detector,
            RgbImage decoded,
            PrintWriter out)
            throws Exception {
        List<Double> rates = new ArrayList<>();
        List<Double> shares = new ArrayList<>();
        List<RgbImage> batch = Collections.nCopies(stream.batchSize(), decoded);
        for (int round = 1; round <= rounds; round++) {
            double decodeMs = BenchTiming.millisPerCall(() -> decoder.decode(jpeg), 1500);
            double engineMs =
                    BenchTiming.millisPerCall(
                                    () -> engine.infer(batch, Outputs.classes(stream.top())), 2000)
                            / stream.batchSize();
            if (detector != null) {
                engineMs +=
                        BenchTiming.millisPerCall(
                                        () ->
                                                detector.infer(
                                                        batch,
                                                        Outputs.detections(
                                                                Outputs.DetectionQuery.DEFAULT)),
                                        2000)
                                / stream.batchSize();
            }
            double ceiling = 1000 / (decodeMs + engineMs);
            String phase = "burst-" + round;
            long firstSent = System.currentTimeMillis();
            BenchTiming.JitMeter meter = new BenchTiming.JitMeter();
            send(kafka, jpeg, phase, frames, 0);
            List<Long> burst = awaitResults(phase, frames);
            double jit = meter.share();
            double fps = burstRate(burst, firstSent);
            rates.add(fps);
            shares.add(fps / ceiling);
            out.printf(
                    Locale.ROOT,
                    "round %d: decode only %.2f ms/frame, engine only %.2f ms/frame,"
                            + " ceiling 1/(decode+engine) %.1f frames/s; end to end %.1f"
                            + " frames/s (%.0f%% of the ceiling); JIT %.1f%% of the cores%n",
                    round,
                    decodeMs,
                    engineMs,
                    ceiling,
                    fps,
                    100 * fps / ceiling,
                    100 * jit);
            out.flush();
        }
        double fps = BenchTiming.median(rates);
        out.printf(
                Locale.ROOT,
                "end to end: %.1f frames/s, %.0f%% of the ceiling (medians of %d rounds),"
                        + " %s delivery%n",
                fps,
                100 * BenchTiming.median(shares),
                rounds,
                stream.guarantee());
        return fps;
    }

    /**
     * A burst's rate. At least once, results arrive as they are made: the spread of their arrivals.
     * Exactly once, they arrive at checkpoints, possibly all at one: from the first frame sent to
     * the last result, which counts one checkpoint's delay against the rate (a lower bound).
     */
    private double burstRate(List<Long> arrivals, long firstSent) {
        long last = arrivals.get(arrivals.size() - 1);
        if (stream.guarantee() == DeliveryGuarantee.EXACTLY_ONCE) {
            return arrivals.size() * 1000.0 / Math.max(1, last - firstSent);
        }
        return (arrivals.size() - 1) * 1000.0 / Math.max(1, last - arrivals.get(0));
    }

    /** Latency percentiles of frames sent at a steady {@code paced} frames/s. */
    private void latency(EmbeddedKafkaBroker kafka, byte[] jpeg, double paced, PrintWriter out)
            throws Exception {
        Map<String, Long> sent = send(kafka, jpeg, "paced", frames, paced);
        awaitResults("paced", frames);
        List<Long> latencies = new ArrayList<>();
        sent.forEach((id, at) -> latencies.add(arrivals.get(id) - at));
        Collections.sort(latencies);
        out.printf(
                Locale.ROOT,
                "latency at %.1f frames/s: p50 %d ms, p95 %d ms, p99 %d ms, max %d ms%n",
                paced,
                percentile(latencies, 50),
                percentile(latencies, 95),
                percentile(latencies, 99),
                latencies.get(latencies.size() - 1));
        out.printf(
                Locale.ROOT,
                "resident memory of this JVM (broker, job, engines): %d MB%n",
                ProcessMemory.residentMegabytes());
    }

    /** As given, else the local cluster's default: one instance per core. */
    private int parallelism() {
        return stream.parallelism() != null
                ? stream.parallelism()
                : Runtime.getRuntime().availableProcessors();
    }

    private JobClient startJob(EmbeddedKafkaBroker kafka, WorkflowOptions workflow)
            throws Exception {
        StreamJobOptions options =
                stream.classificationJob(
                        kafka.bootstrapServers(),
                        "bench-frames",
                        "bench-classifications",
                        workflow.detector() == null ? null : "bench-detections",
                        "bench-dead-letters",
                        "ocellus-bench",
                        false,
                        workflow);
        StreamExecutionEnvironment env = stream.environment(parallelism(), null);
        StreamJob.define(env, options);
        return env.executeAsync("ocellus-bench-pipeline");
    }

    /** Sends frames, paced at {@code rate} per second when positive; returns send times by id. */
    private static Map<String, Long> send(
            EmbeddedKafkaBroker kafka, byte[] jpeg, String phase, int count, double rate)
            throws Exception {
        Map<String, Long> sent = new ConcurrentHashMap<>();
        try (KafkaProducer<byte[], byte[]> producer =
                FrameClients.producer(kafka.bootstrapServers(), Map.of("linger.ms", "0"))) {
            long start = System.nanoTime();
            for (int i = 0; i < count; i++) {
                if (rate > 0) {
                    long due = start + (long) (i * 1e9 / rate);
                    while (System.nanoTime() < due) {
                        Thread.sleep(0, 200_000);
                    }
                }
                String id = phase + "-" + i;
                sent.put(id, System.currentTimeMillis());
                producer.send(FrameClients.rawFrame("bench-frames", "bench", id, jpeg));
                if (rate > 0) {
                    producer.flush();
                }
            }
            producer.flush();
        }
        return sent;
    }

    private void read(EmbeddedKafkaBroker kafka) {
        try (KafkaCodec<Classification> codec = stream.outputCodec().open(Classification.class);
                KafkaConsumer<byte[], byte[]> consumer =
                        FrameClients.committedReader(
                                kafka.bootstrapServers(), Map.of(), "bench-reader")) {
            consumer.subscribe(List.of("bench-classifications"));
            while (!Thread.currentThread().isInterrupted()) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(20))) {
                    long now = System.currentTimeMillis();
                    arrivals.putIfAbsent(
                            codec.decode(record.topic(), record.value()).getFrame().getFrameId(),
                            now);
                }
            }
        } catch (Exception e) {
            spec.commandLine().getErr().println("ocellus: bench reader stopped: " + e.getMessage());
        }
    }

    /** Waits for every result of a phase; returns their arrival times in order. */
    private List<Long> awaitResults(String phase, int count) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 600_000;
        List<Long> times = new ArrayList<>();
        while (System.currentTimeMillis() < deadline) {
            times.clear();
            for (int i = 0; i < count; i++) {
                Long at = arrivals.get(phase + "-" + i);
                if (at != null) {
                    times.add(at);
                }
            }
            if (times.size() == count) {
                Collections.sort(times);
                return times;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(
                String.format(
                        Locale.ROOT,
                        "only %d of %d %s results arrived in 10 minutes",
                        times.size(),
                        count,
                        phase));
    }

    private static long percentile(List<Long> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
