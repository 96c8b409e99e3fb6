package io.ocellus.pipeline.cli;

import io.ocellus.pipeline.archive.ReprocessJob;
import io.ocellus.pipeline.archive.ReprocessRun;
import io.ocellus.pipeline.archive.RowFormat;
import io.ocellus.pipeline.kafka.StreamJobOptions;
import io.ocellus.pipeline.workflow.WorkflowOptions;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.flink.connector.base.DeliveryGuarantee;
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
public final class ReprocessCommand implements Callable<Integer> {

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

    /** What the last run counted: for tests. */
    ReprocessRun.Summary summary;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        boolean classify = tasks.contains("classify");
        boolean embed = tasks.contains("embed");
        boolean features = tasks.contains("features");
        boolean geo = tasks.contains("geo") || flags.geoIndex != null;
        String problem = problem(geo);
        if (problem != null) {
            err.println("ocellus reprocess: " + problem);
            return ExitCode.CANNOT_RUN.code();
        }
        WorkflowOptions workflow = flags.workflow(model, classify, embed, features);
        String runId = ReprocessRun.newRunId();
        ReprocessRun.Builder builder =
                ReprocessRun.builder()
                        .setInputs(input.uris())
                        .setWorkflow(workflow)
                        .setKinds(ReprocessJob.kinds(classify, embed, features, geo))
                        .optParallelism(flags.parallelism)
                        .optRunId(runId);
        if (output.equals("kafka")) {
            builder.optKafka(kafkaOptions(workflow, runId, classify, embed, features, geo));
        } else {
            builder.optResultsFolder(output, RowFormat.parse(format), flags.modelId, overwrite);
        }
        ReprocessRun run;
        try {
            run = builder.build();
        } catch (IllegalArgumentException e) {
            err.println("ocellus reprocess: " + e.getMessage());
            return ExitCode.CANNOT_RUN.code();
        }
        RunProgress progress = new RunProgress(err, input.progressBar(), flags.modelId);
        summary = run.run(progress);
        progress.finish();
        report(spec.commandLine().getOut(), summary);
        return summary.accounted() ? 0 : ExitCode.UNACCOUNTED.code();
    }

    /** What is wrong with the tasks and outputs asked for, or null. */
    private String problem(boolean geo) {
        if (geo && flags.geoIndex == null) {
            return "the geo task needs --geo-index";
        }
        for (String task : tasks) {
            if (!List.of("classify", "embed", "features", "geo").contains(task)) {
                return "unknown task '" + task + "': use classify, embed, features, geo";
            }
        }
        if (output.equals("kafka") && bootstrapServers == null) {
            return "--output kafka needs --bootstrap-servers";
        }
        return null;
    }

    private StreamJobOptions kafkaOptions(
            WorkflowOptions workflow,
            String runId,
            boolean classify,
            boolean embed,
            boolean features,
            boolean geo) {
        return StreamJobOptions.builder()
                .setBootstrapServers(bootstrapServers)
                .setInputTopic("(not read: the input is files)")
                .setDeadLetterTopic(deadLetterTopic)
                .setJobName("ocellus-reprocess-" + runId)
                .setWorkflow(workflow)
                .optClassificationsTopic(classify ? classificationsTopic : null)
                .optEmbeddingsTopic(embed ? embeddingsTopic : null)
                .optFeaturesTopic(features ? featuresTopic : null)
                .optGeoTopic(geo ? geoTopic : null)
                .optOutputFormat(kafka.outputFormat)
                .optGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
                .optKafkaProperties(kafka.kafkaProperties())
                .optRegistryUrl(kafka.registryUrl)
                .optBounded(true)
                .build();
    }

    private static void report(PrintWriter out, ReprocessRun.Summary summary) {
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
}
