package io.ocellus.pipeline.cli;

import io.ocellus.pipeline.archive.ArchivePlan;
import io.ocellus.pipeline.archive.EntryKeys;
import io.ocellus.pipeline.archive.ReprocessJob;
import io.ocellus.pipeline.archive.ResultsDir;
import io.ocellus.pipeline.archive.RowFormat;
import io.ocellus.pipeline.kafka.InputFormat;
import io.ocellus.pipeline.kafka.StreamJobOptions;
import io.ocellus.pipeline.local.LocalFlink;
import io.ocellus.pipeline.workflow.WorkflowOptions;
import java.io.File;
import java.io.PrintWriter;
import java.net.URI;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.flink.api.common.BatchShuffleMode;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.configuration.BatchExecutionOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.HeartbeatManagerOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.LocalStreamEnvironment;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ocellus reprocess}: image archives through the workflow in Flink's batch mode. */
@Command(
        name = "reprocess",
        mixinStandardHelpOptions = true,
        description =
                "Reprocess image archives: folders (recursive), zip and tar(.gz) archives and Avro files of ImageFrame records, through the streaming job's workflow in Flink's BATCH mode, into part files (Avro or JSON lines, a folder per task) or the stream's Kafka topics. Every entry ends up in one result per task or one dead letter; a run into the same folder skips the entries done before. Exit code 0 when every entry is accounted for, 3 when not, 2 on bad arguments or a failed job.")
final class ReprocessCommand implements Callable<Integer> {

    @Spec CommandSpec spec;

    @Mixin ModelOptions model;

    @Mixin WorkflowFlags flags;

    @Mixin ArchiveInputOptions input;

    @Option(
            names = "--output",
            required = true,
            paramLabel = "DIR|kafka",
            description =
                    "A results folder (local path or Flink file-system URI), or 'kafka' for the stream's topics (--bootstrap-servers and the topic options).")
    String output;

    @Option(
            names = "--format",
            defaultValue = "avro",
            description =
                    "Part files in the results folder: avro (container files, the schemas of schemas/) or jsonl (JSON lines). Default: ${DEFAULT-VALUE}.")
    String format;

    @Option(
            names = "--tasks",
            defaultValue = "classify",
            split = ",",
            description =
                    "What to compute: classify, embed, features, geo (needs --geo-index; implied by it), comma-separated. Default: ${DEFAULT-VALUE}.")
    List<String> tasks;

    @Option(
            names = "--overwrite",
            description = "Empty the results folder first instead of resuming into it.")
    boolean overwrite;

    @Option(names = "--bootstrap-servers", description = "The Kafka cluster, with --output kafka.")
    String bootstrapServers;

    @Option(
            names = "--classifications-topic",
            defaultValue = "ocellus.classifications",
            description = "With --output kafka. Default: ${DEFAULT-VALUE}.")
    String classificationsTopic;

    @Option(
            names = "--embeddings-topic",
            defaultValue = "ocellus.embeddings",
            description = "With --output kafka. Default: ${DEFAULT-VALUE}.")
    String embeddingsTopic;

    @Option(
            names = "--features-topic",
            defaultValue = "ocellus.features",
            description = "With --output kafka. Default: ${DEFAULT-VALUE}.")
    String featuresTopic;

    @Option(
            names = "--geo-topic",
            defaultValue = "ocellus.geo",
            description = "With --output kafka. Default: ${DEFAULT-VALUE}.")
    String geoTopic;

    @Option(
            names = "--dead-letter-topic",
            defaultValue = "ocellus.dead-letters",
            description = "With --output kafka. Default: ${DEFAULT-VALUE}.")
    String deadLetterTopic;

    @Mixin KafkaClientOptions kafka;

    /** What the last run counted: for tests and the benchmark. */
    Summary summary;

    /** The counts of a run. */
    record Summary(
            ArchivePlan plan,
            long results,
            Map<String, Long> deadLetters,
            double seconds,
            double steadySeconds) {
        long deadLetterCount() {
            return deadLetters.values().stream().mapToLong(Long::longValue).sum();
        }

        boolean accounted() {
            return results + deadLetterCount() == plan.toProcess();
        }

        double imagesPerSecond() {
            return seconds > 0 ? (results + deadLetterCount()) / seconds : 0;
        }

        /**
         * The rate once entries flow: from the first outcome seen to the end, past the cluster's
         * and the model's start-up (progress is polled each second, so short runs are rough).
         */
        double steadyImagesPerSecond() {
            return steadySeconds > 0 ? (results + deadLetterCount()) / steadySeconds : 0;
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        boolean classify = tasks.contains("classify");
        boolean embed = tasks.contains("embed");
        boolean features = tasks.contains("features");
        boolean geo = tasks.contains("geo") || flags.geoIndex != null;
        if (geo && flags.geoIndex == null) {
            err.println("ocellus reprocess: the geo task needs --geo-index");
            return ExitCode.CANNOT_RUN.code();
        }
        for (String task : tasks) {
            if (!List.of("classify", "embed", "features", "geo").contains(task)) {
                err.println(
                        "ocellus reprocess: unknown task '"
                                + task
                                + "': use classify, embed, features, geo");
                return ExitCode.CANNOT_RUN.code();
            }
        }
        List<String> inputUris = input.uris();
        WorkflowOptions workflow = flags.workflow(model, classify, embed, features);
        List<String> kinds = ReprocessJob.kinds(classify, embed, features, geo);
        String runId =
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                        + String.format(
                                Locale.ROOT, "-%04x", ThreadLocalRandom.current().nextInt(1 << 16));

        EntryKeys done = new EntryKeys();
        String outputUri = null;
        String skipFile = null;
        StreamJobOptions kafkaOptions = null;
        RowFormat rowFormat = RowFormat.parse(format);
        if (output.equals("kafka")) {
            if (bootstrapServers == null) {
                err.println("ocellus reprocess: --output kafka needs --bootstrap-servers");
                return ExitCode.CANNOT_RUN.code();
            }
            kafkaOptions =
                    new StreamJobOptions(
                            bootstrapServers,
                            "(not read: the input is files)",
                            InputFormat.RAW,
                            classify ? classificationsTopic : null,
                            embed ? embeddingsTopic : null,
                            features ? featuresTopic : null,
                            deadLetterTopic,
                            kafka.outputFormat,
                            DeliveryGuarantee.AT_LEAST_ONCE,
                            "ocellus-reprocess-" + runId,
                            kafka.kafkaProperties(),
                            kafka.registryUrl,
                            true,
                            workflow,
                            geo ? geoTopic : null,
                            null);
        } else {
            outputUri = uri(output);
            for (String input : inputUris) {
                String folder = input.endsWith("/") ? input : input + "/";
                if (outputUri.equals(input) || outputUri.startsWith(folder)) {
                    err.println(
                            "ocellus reprocess: the output "
                                    + outputUri
                                    + " is inside the input "
                                    + input
                                    + ": the run would read its own results");
                    return ExitCode.CANNOT_RUN.code();
                }
            }
            ResultsDir results = new ResultsDir(outputUri);
            results.prepare(new ResultsDir.Manifest(rowFormat, flags.modelId, kinds), overwrite);
            done = results.done();
            if (done.size() > 0) {
                Path keys = new Path(results.root(), "_ocellus-skip-" + runId + ".keys");
                done.write(keys);
                skipFile = keys.toString();
            }
        }
        ArchivePlan plan = ArchivePlan.scan(inputUris, done);
        err.printf(
                Locale.ROOT,
                "reprocess: %d entries in %d files, %d done before (skipped), %d to process with %s%n",
                plan.entries(),
                plan.files(),
                plan.skipped(),
                plan.toProcess(),
                flags.modelId);
        err.flush();
        try {
            summary =
                    execute(
                            new ReprocessJob.Options(
                                    inputUris,
                                    outputUri,
                                    rowFormat,
                                    kafkaOptions,
                                    workflow,
                                    kinds,
                                    runId,
                                    skipFile),
                            plan,
                            err,
                            input.progressBar(),
                            flags.parallelism);
        } finally {
            if (skipFile != null) {
                new Path(skipFile).getFileSystem().delete(new Path(skipFile), false);
            }
        }
        report(out, summary);
        return summary.accounted() ? 0 : ExitCode.UNACCOUNTED.code();
    }

    /**
     * Runs the archive job on the cluster of this context (a local one from a shell) in BATCH mode
     * and waits for it, showing progress when {@code progressOn}.
     */
    static Summary execute(
            ReprocessJob.Options options,
            ArchivePlan plan,
            PrintWriter err,
            boolean progressOn,
            Integer parallelism)
            throws Exception {
        Configuration local = new Configuration();
        // Accumulators reach the client with TaskManager heartbeats: often enough for progress.
        local.set(HeartbeatManagerOptions.HEARTBEAT_INTERVAL, java.time.Duration.ofSeconds(1));
        StreamExecutionEnvironment env = LocalFlink.environment(local);
        Configuration job = new Configuration();
        job.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
        // Hybrid exchanges: stages run together when there are slots for them, frames flowing as
        // in the stream (decoding overlaps inference), spilled to disk only when a consumer lags.
        // Blocking exchanges would decode every image before inferring any.
        job.set(
                ExecutionOptions.BATCH_SHUFFLE_MODE,
                BatchShuffleMode.ALL_EXCHANGES_HYBRID_SELECTIVE);
        // Every stage at the job's parallelism: the adaptive batch scheduler would size stages by
        // their bytes, one decoder for a folder of small JPEGs however long they take.
        job.set(BatchExecutionOptions.ADAPTIVE_AUTO_PARALLELISM_ENABLED, false);
        // A failure stops the run; running again into the same folder resumes it.
        job.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
        env.configure(job);
        if (parallelism != null) {
            env.setParallelism(parallelism);
        } else if (env instanceof LocalStreamEnvironment) {
            env.setParallelism(Runtime.getRuntime().availableProcessors());
        }
        ReprocessJob.define(env, options);
        long start = System.nanoTime();
        JobClient client = env.executeAsync("ocellus-reprocess-" + options.runId());
        Progress bar = new Progress(err, plan.toProcess(), progressOn);
        CompletableFuture<JobExecutionResult> result = client.getJobExecutionResult();
        long firstSeen = -1;
        long firstCount = 0;
        while (!result.isDone()) {
            try {
                result.get(1, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                Map<String, Object> now = client.getAccumulators().get(10, TimeUnit.SECONDS);
                long done =
                        ReprocessJob.results(now)
                                + ReprocessJob.deadLetters(now).values().stream()
                                        .mapToLong(Long::longValue)
                                        .sum();
                if (firstSeen < 0 && done > 0) {
                    firstSeen = System.nanoTime();
                    firstCount = done;
                }
                bar.update(done, System.currentTimeMillis());
            }
        }
        JobExecutionResult finished = result.get();
        long end = System.nanoTime();
        double seconds = (end - start) / 1e9;
        Map<String, Object> counts = finished.getAllAccumulatorResults();
        Summary summary =
                new Summary(
                        plan,
                        ReprocessJob.results(counts),
                        ReprocessJob.deadLetters(counts),
                        seconds,
                        0);
        if (firstSeen > 0) {
            // Scaled to all entries from those done after the first were seen.
            long total = summary.results() + summary.deadLetterCount();
            double after = (end - firstSeen) / 1e9;
            if (total > firstCount && after > 0) {
                summary =
                        new Summary(
                                plan,
                                summary.results(),
                                summary.deadLetters(),
                                seconds,
                                after * total / (total - firstCount));
            }
        }
        bar.update(summary.results() + summary.deadLetterCount(), System.currentTimeMillis());
        bar.finish();
        return summary;
    }

    private static void report(PrintWriter out, Summary summary) {
        List<String> reasons = new ArrayList<>();
        summary.deadLetters().forEach((reason, n) -> reasons.add(reason + " " + n));
        out.printf(
                Locale.ROOT,
                "reprocess: %d entries: %d results, %d dead letters%s, %d skipped (done before)%n",
                summary.plan().entries(),
                summary.results(),
                summary.deadLetterCount(),
                reasons.isEmpty() ? "" : " (" + String.join(", ", reasons) + ")",
                summary.plan().skipped());
        out.printf(
                Locale.ROOT,
                "reprocess: %d processed in %.1f s: %.1f images/s%s%n",
                summary.results() + summary.deadLetterCount(),
                summary.seconds(),
                summary.imagesPerSecond(),
                summary.steadyImagesPerSecond() > 0
                        ? String.format(
                                Locale.ROOT,
                                " (%.1f images/s once flowing)",
                                summary.steadyImagesPerSecond())
                        : "");
        if (!summary.accounted()) {
            out.printf(
                    Locale.ROOT,
                    "reprocess: NOT ACCOUNTED FOR: %d entries to process, %d outcomes%n",
                    summary.plan().toProcess(),
                    summary.results() + summary.deadLetterCount());
        }
        out.flush();
    }

    /** A local path as an absolute file URI; a URI with a scheme unchanged. */
    static String uri(String pathOrUri) {
        URI parsed = null;
        try {
            parsed = new URI(pathOrUri);
        } catch (java.net.URISyntaxException e) {
            // a local path with characters URIs do not take
        }
        if (parsed != null && parsed.getScheme() != null && parsed.getScheme().length() > 1) {
            return pathOrUri;
        }
        return new File(pathOrUri).getAbsoluteFile().toURI().toString();
    }
}
