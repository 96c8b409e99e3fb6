package io.ocellus.pipeline.archive;

import io.ocellus.pipeline.internal.Uris;
import io.ocellus.pipeline.kafka.StreamJobOptions;
import io.ocellus.pipeline.local.EnginePrestart;
import io.ocellus.pipeline.workflow.WorkflowOptions;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * One run of the archive job, as an application embeds it: built with {@link #builder()}, run with
 * {@link #run(Listener)}, which plans the run (resuming a results folder: the entries done before
 * are skipped), executes it in Flink's BATCH mode on the cluster of this context (a local one from
 * a shell or a test) and returns its {@link Summary}. Progress reaches a {@link Listener}.
 *
 * <pre>{@code
 * ReprocessRun.Summary summary =
 *         ReprocessRun.builder()
 *                 .setInputs(List.of("file:///data/2019", "s3://bucket/scans.tar.gz"))
 *                 .setWorkflow(workflow)
 *                 .setKinds(List.of(ResultsDir.CLASSIFICATIONS))
 *                 .optResultsFolder("file:///data/results", RowFormat.AVRO, modelId, false)
 *                 .build()
 *                 .run(ReprocessRun.Listener.NONE);
 * }</pre>
 */
public final class ReprocessRun {
    /** What a run tells as it goes; every method has a default that ignores it. */
    public interface Listener {
        Listener NONE = new Listener() {};

        /** The plan, before the job starts. */
        default void planned(ArchivePlan plan) {}

        /** Entries done so far (results and dead letters), about once a second. */
        default void progress(long done) {}
    }

    /**
     * The counts of a run.
     *
     * @param plan what it set out to do
     * @param results entries with results
     * @param deadLetters dead letters by reason code
     * @param seconds from submission to the end
     * @param steadySeconds the time all entries would take at the rate once entries flow (past the
     *     cluster's and the model's start-up), 0 when unknown
     */
    public record Summary(
            ArchivePlan plan,
            long results,
            Map<String, Long> deadLetters,
            double seconds,
            double steadySeconds) {
        public long deadLetterCount() {
            return deadLetters.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Whether every entry to process ended as a result or a dead letter. */
        public boolean accounted() {
            return results + deadLetterCount() == plan.toProcess();
        }

        public double imagesPerSecond() {
            return seconds > 0 ? (results + deadLetterCount()) / seconds : 0;
        }

        /** The rate once entries flow (progress is polled each second: rough for short runs). */
        public double steadyImagesPerSecond() {
            return steadySeconds > 0 ? (results + deadLetterCount()) / steadySeconds : 0;
        }
    }

    private final List<String> inputs;
    private final WorkflowOptions workflow;
    private final List<String> kinds;
    private final String folder;
    private final RowFormat format;
    private final String modelId;
    private final boolean overwrite;
    private final StreamJobOptions kafka;
    private final Integer parallelism;
    private final String runId;

    private ReprocessRun(Builder b) {
        this.inputs = b.inputs;
        this.workflow = b.workflow;
        this.kinds = b.kinds;
        this.folder = b.folder;
        this.format = b.format;
        this.modelId = b.modelId;
        this.overwrite = b.overwrite;
        this.kafka = b.kafka;
        this.parallelism = b.parallelism;
        this.runId = b.runId;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A fresh run id: the time to the second and a random suffix. */
    public static String newRunId() {
        return LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))
                + String.format(Locale.ROOT, "-%04x", ThreadLocalRandom.current().nextInt(1 << 16));
    }

    /** This run's id, which names its part files and its Flink job. */
    public String runId() {
        return runId;
    }

    /**
     * Plans and executes the run and waits for it.
     *
     * @throws IllegalStateException when the results folder was made by another model or format
     *     (and no overwrite was asked for), or another run is writing into it
     */
    public Summary run(Listener listener) throws Exception {
        if (folder == null) { // Kafka: resumed from what the topics hold
            KafkaResume.Written written =
                    overwrite ? KafkaResume.Written.NONE : KafkaResume.read(kafka, kinds, modelId);
            return runInto(null, written.done(), written, listener);
        }
        // Locked before anything is read or removed: preparing removes unfinished files, which
        // are another live run's own.
        RunLock lock = RunLock.acquire(new Path(folder), runId);
        try {
            ResultsDir results = new ResultsDir(folder);
            results.prepare(new ResultsDir.Manifest(format, modelId, kinds), overwrite);
            return runInto(results, results.done(), null, listener);
        } finally {
            lock.close();
        }
    }

    /**
     * Runs into {@code results} (a folder: the entries {@code done} are skipped through a file
     * beside them) or into Kafka ({@code written}: what the topics hold, carried in the job).
     */
    private Summary runInto(
            ResultsDir results, EntryKeys done, KafkaResume.Written written, Listener listener)
            throws Exception {
        String skipFile = null;
        if (results != null && done.size() > 0) {
            Path keys = new Path(results.root(), "_ocellus-skip-" + runId + ".keys");
            done.write(keys);
            skipFile = keys.toString();
        }
        try {
            ArchivePlan plan = ArchivePlan.scan(inputs, done);
            ReprocessJob.Options options =
                    new ReprocessJob.Options(
                            inputs, folder, format, kafka, workflow, kinds, runId, skipFile,
                            written);
            return execute(options, plan, parallelism, listener);
        } finally {
            if (skipFile != null) {
                new Path(skipFile).getFileSystem().delete(new Path(skipFile), false);
            }
        }
    }

    /**
     * Runs the archive job of {@code options} as planned, in BATCH mode on the cluster of this
     * context, and waits for it: for callers that plan and skip entries themselves (the geo index
     * build).
     *
     * @param parallelism every stage's instances; null: the cluster's, or one per core locally
     */
    public static Summary execute(
            ReprocessJob.Options options, ArchivePlan plan, Integer parallelism, Listener listener)
            throws Exception {
        listener.planned(plan);
        StreamExecutionEnvironment env = ReprocessExecution.environment(parallelism);
        ReprocessJob.define(env, options);
        long start = System.nanoTime();
        EnginePrestart engines = ReprocessExecution.prestart(env, options.workflow());
        try {
            return ReprocessExecution.await(
                    env.executeAsync("ocellus-reprocess-" + options.runId()),
                    plan,
                    listener,
                    start);
        } finally {
            engines.close();
        }
    }

    /** Builder of a {@link ReprocessRun}: {@code set} what is required, {@code opt} the rest. */
    public static final class Builder {
        private List<String> inputs;
        private WorkflowOptions workflow;
        private List<String> kinds;
        private String folder;
        private RowFormat format;
        private String modelId;
        private boolean overwrite;
        private StreamJobOptions kafka;
        private Integer parallelism;
        private String runId;

        private Builder() {}

        /** Files and folders to read: URIs of Flink file systems, or local paths. */
        public Builder setInputs(List<String> inputs) {
            this.inputs = inputs.stream().map(Uris::of).toList();
            return this;
        }

        /** The model, tasks, batching and decoding. */
        public Builder setWorkflow(WorkflowOptions workflow) {
            this.workflow = workflow;
            return this;
        }

        /** The result kinds to write ({@link ReprocessJob#kinds}). */
        public Builder setKinds(List<String> kinds) {
            this.kinds = List.copyOf(kinds);
            return this;
        }

        /**
         * Results into part files under {@code folder} (resumed when it holds an earlier run of the
         * same model and format; emptied first with {@code overwrite}).
         */
        public Builder optResultsFolder(
                String folder, RowFormat format, String modelId, boolean overwrite) {
            this.folder = Uris.of(folder);
            this.format = format;
            this.modelId = modelId;
            this.overwrite = overwrite;
            return this;
        }

        /**
         * Results to the stream's Kafka topics instead (its input topic is not read), resumed from
         * what they hold of model {@code modelId} (written again in full with {@code overwrite}).
         */
        public Builder optKafka(StreamJobOptions kafka, String modelId, boolean overwrite) {
            this.kafka = kafka;
            this.modelId = modelId;
            this.overwrite = overwrite;
            return this;
        }

        /** Every stage's instances; default the cluster's, or one per core locally. */
        public Builder optParallelism(Integer parallelism) {
            this.parallelism = parallelism;
            return this;
        }

        /** Names the part files and the job; default a timestamp and a random suffix. */
        public Builder optRunId(String runId) {
            this.runId = runId;
            return this;
        }

        /**
         * Checks the settings.
         *
         * @throws IllegalArgumentException naming what is missing or wrong
         */
        public ReprocessRun build() {
            if (inputs == null || inputs.isEmpty() || workflow == null || kinds == null) {
                throw new IllegalArgumentException("inputs, workflow and kinds must be set");
            }
            if ((folder == null) == (kafka == null)) {
                throw new IllegalArgumentException(
                        "write to a results folder or to Kafka, one of them");
            }
            if (folder != null) {
                for (String input : inputs) {
                    String inside = input.endsWith("/") ? input : input + "/";
                    if (folder.equals(input) || folder.startsWith(inside)) {
                        throw new IllegalArgumentException(
                                String.format(
                                        "the output %s is inside the input %s: the run would read"
                                                + " its own results",
                                        folder, input));
                    }
                }
            }
            if (runId == null) {
                runId = newRunId();
            }
            return new ReprocessRun(this);
        }
    }
}
