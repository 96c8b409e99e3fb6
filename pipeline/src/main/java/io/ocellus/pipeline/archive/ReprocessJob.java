package io.ocellus.pipeline.archive;

import io.ocellus.operators.DeadLetters;
import io.ocellus.operators.decode.DecodeOptions;
import io.ocellus.pipeline.kafka.StreamJob;
import io.ocellus.pipeline.kafka.StreamJobOptions;
import io.ocellus.pipeline.workflow.OcellusWorkflow;
import io.ocellus.pipeline.workflow.WorkflowOptions;
import io.ocellus.pipeline.workflow.WorkflowOutputs;
import io.ocellus.schemas.Classification;
import io.ocellus.schemas.DeadLetter;
import io.ocellus.schemas.DetectionFeatures;
import io.ocellus.schemas.Detections;
import io.ocellus.schemas.Embedding;
import io.ocellus.schemas.FrameRef;
import io.ocellus.schemas.FrameResults;
import io.ocellus.schemas.GeoEstimate;
import io.ocellus.schemas.ImageFrame;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.Collector;

/**
 * The archive job: the entries of directories, zip/tar(.gz) archives and Avro frame files through
 * the same {@link OcellusWorkflow} as the stream, into a {@link ResultsDir} or the stream's Kafka
 * topics. Meant for Flink's BATCH execution mode over the bounded {@link ArchiveSource}.
 *
 * <pre>
 * files -> entries -> workflow -> results per task ----> part files | topics
 *             \-> unreadable entries -+-> dead letters -> part files | topic
 * </pre>
 *
 * Counts every outcome in accumulators ({@link #RESULTS}, {@link #DEAD_LETTER_PREFIX} + reason) for
 * progress and the summary.
 */
public final class ReprocessJob {
    /** The accumulator of frames with results. */
    public static final String RESULTS = "ocellus-results";

    /** Accumulators of dead letters, one per reason code after this prefix. */
    public static final String DEAD_LETTER_PREFIX = "ocellus-dead-letters:";

    /** Elements per part-file chunk, and the longest a chunk stays open. */
    static final int CHUNK_ROWS = 1000;

    static final long CHUNK_MILLIS = 10_000;

    /**
     * What the job reads and where its results go.
     *
     * @param inputs files or folders, as URIs or local paths
     * @param output the results folder, or null for Kafka
     * @param format the part files' format (with {@code output})
     * @param kafka the topics (when {@code output} is null); its input topic is not read
     * @param workflow model, tasks, batching and decoding
     * @param kinds the result kinds to write ({@link #kinds})
     * @param runId names this run's part files
     * @param skipFile the {@link EntryKeys} of entries done before, or null
     * @param written with {@code kafka}, what the topics hold from earlier runs ({@link
     *     KafkaResume})
     */
    public record Options(
            List<String> inputs,
            String output,
            RowFormat format,
            StreamJobOptions kafka,
            WorkflowOptions workflow,
            List<String> kinds,
            String runId,
            String skipFile,
            KafkaResume.Written written)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        public Options {
            inputs = List.copyOf(inputs);
            kinds = List.copyOf(kinds);
            written = written == null ? KafkaResume.Written.NONE : written;
            if (inputs.isEmpty()) {
                throw new IllegalArgumentException("no input");
            }
            if ((output == null) == (kafka == null)) {
                throw new IllegalArgumentException("write to a folder or to Kafka, one of them");
            }
        }
    }

    private ReprocessJob() {}

    /** Files whose name starts with a dot (hidden, unfinished) are not inputs. */
    static boolean isInput(Path path) {
        return !path.getName().startsWith(".");
    }

    /**
     * Adds the job to {@code env}. Plain files, zip and plain tar entries of local inputs cross to
     * the decoding task as claim checks, read there, instead of through the exchange: Flink's batch
     * exchanges would otherwise serialise, compress, spill and read back every image once more.
     */
    public static void define(StreamExecutionEnvironment env, Options options) {
        List<String> roots = localInputs(options.inputs());
        SingleOutputStreamOperator<ImageFrame> frames =
                env.fromSource(
                                source(options, roots),
                                WatermarkStrategy.noWatermarks(),
                                "archive-entries")
                        .uid("ocellus-archive-source")
                        .process(new SplitFailures())
                        .name("entries")
                        .uid("ocellus-archive-entries");
        DecodeOptions decoding = options.workflow().decoding();
        List<String> allowed = new ArrayList<>(decoding.claimCheckRoots());
        allowed.addAll(roots);
        WorkflowOptions workflow =
                options.workflow().withDecoding(decoding.withClaimCheckRoots(allowed));
        WorkflowOutputs out = OcellusWorkflow.define(frames, workflow);
        DataStream<FrameResults> results =
                out.results()
                        .process(new Count<FrameResults>(false))
                        .returns(TypeInformation.of(FrameResults.class))
                        .name("count-results")
                        .uid("ocellus-count-results");
        DataStream<DeadLetter> deadLetters =
                out.deadLetters()
                        .union(frames.getSideOutput(DeadLetters.TAG))
                        .process(new Count<DeadLetter>(true))
                        .returns(TypeInformation.of(DeadLetter.class))
                        .name("count-dead-letters")
                        .uid("ocellus-count-dead-letters");
        if (options.kafka() != null) {
            toKafka(options, out, results, deadLetters);
        } else {
            toFiles(options, results, deadLetters);
        }
    }

    /** The entries of every input file, one record each. */
    private static ArchiveSource source(Options options, List<String> referenceRoots) {
        return new ArchiveSource(
                        options.inputs(),
                        options.workflow().decoding().maxImageBytes(),
                        options.skipFile(),
                        referenceRoots)
                .withSkip(options.written().done());
    }

    /**
     * The inputs on the local file system ({@code file:}), folders and files, where a read is cheap
     * wherever the decoding task runs. Inputs elsewhere ({@code s3://}, {@code hdfs://}) are read
     * by the source.
     */
    static List<String> localInputs(List<String> inputs) {
        List<String> local = new ArrayList<>();
        for (String input : inputs) {
            Path path = new Path(input);
            try {
                FileSystem fs = path.getFileSystem();
                if (!fs.isDistributedFS() && "file".equals(fs.getUri().getScheme())) {
                    local.add(fs.getFileStatus(path).getPath().toUri().toString());
                }
            } catch (IOException e) {
                // Not an input we can see here: the source reads it (and reports it) as before.
            }
        }
        return local;
    }

    private static void toKafka(
            Options options,
            WorkflowOutputs out,
            DataStream<FrameResults> counted,
            DataStream<DeadLetter> deadLetters) {
        // Counted on the side; the topics take the per-task streams.
        counted.sinkTo(new DiscardingSink<>()).name("counted");
        // A resumed run writes to each topic only the entries it does not hold yet.
        StreamJobOptions kafka = options.kafka();
        KafkaResume.Written written = options.written();
        StreamJob.sinkTo(
                kafka,
                new WorkflowOutputs(
                        out.results(),
                        unwritten(
                                out.classifications(),
                                written,
                                kafka.classificationsTopic(),
                                Classification::getFrame),
                        unwritten(
                                out.embeddings(),
                                written,
                                kafka.embeddingsTopic(),
                                Embedding::getFrame),
                        unwritten(
                                out.features(),
                                written,
                                kafka.featuresTopic(),
                                DetectionFeatures::getFrame),
                        unwritten(out.geo(), written, kafka.geoTopic(), GeoEstimate::getFrame),
                        unwritten(
                                out.detections(),
                                written,
                                kafka.detectionsTopic(),
                                Detections::getFrame),
                        unwritten(
                                deadLetters,
                                written,
                                kafka.deadLetterTopic(),
                                DeadLetter::getFrame)),
                null);
    }

    private static <T> DataStream<T> unwritten(
            DataStream<T> stream,
            KafkaResume.Written written,
            String topic,
            org.apache.flink.util.function.SerializableFunction<T, FrameRef> frame) {
        if (topic == null || written.in(topic).size() == 0) {
            return stream;
        }
        return stream.filter(new KafkaResume.NotWritten<>(written.in(topic), frame))
                .name("unwritten-" + topic);
    }

    private static void toFiles(
            Options options, DataStream<FrameResults> results, DataStream<DeadLetter> deadLetters) {
        List<String> tasks = options.kinds();
        results.sinkTo(
                        new ChunkedFileSink<>(
                                options.output(),
                                options.format(),
                                options.runId(),
                                "r",
                                tasks,
                                rows(tasks),
                                CHUNK_ROWS,
                                CHUNK_MILLIS))
                .name("results-files")
                .uid("ocellus-results-files");
        deadLetters
                .map(ReprocessJob::withLocator)
                .returns(TypeInformation.of(DeadLetter.class))
                .name("locate")
                .sinkTo(
                        new ChunkedFileSink<DeadLetter>(
                                options.output(),
                                options.format(),
                                options.runId(),
                                "d",
                                List.of(ResultsDir.DEAD_LETTERS),
                                (letter, emit) -> emit.accept(ResultsDir.DEAD_LETTERS, letter),
                                CHUNK_ROWS,
                                CHUNK_MILLIS))
                .name("dead-letter-files")
                .uid("ocellus-dead-letter-files");
    }

    /**
     * The result kinds written, in a fixed order: those asked for ({@code embeddings} may be
     * computed for the geo stage without being asked for).
     */
    public static List<String> kinds(
            boolean classify, boolean embed, boolean features, boolean geo) {
        return kinds(classify, embed, features, geo, false);
    }

    /** As {@link #kinds(boolean, boolean, boolean, boolean)}, with the detector's boxes. */
    public static List<String> kinds(
            boolean classify, boolean embed, boolean features, boolean geo, boolean detect) {
        List<String> kinds = new ArrayList<>();
        if (classify) {
            kinds.add(ResultsDir.CLASSIFICATIONS);
        }
        if (embed) {
            kinds.add(ResultsDir.EMBEDDINGS);
        }
        if (features) {
            kinds.add(ResultsDir.FEATURES);
        }
        if (geo) {
            kinds.add(ResultsDir.GEO);
        }
        if (detect) {
            kinds.add(ResultsDir.DETECTIONS);
        }
        return kinds;
    }

    /** The rows of a frame's results, of the kinds written. */
    private static ChunkedFileSink.Rows<FrameResults> rows(List<String> kinds) {
        List<String> written = new ArrayList<>(kinds);
        return (results, out) -> {
            emit(written, ResultsDir.CLASSIFICATIONS, results.getClassification(), out);
            emit(written, ResultsDir.EMBEDDINGS, results.getEmbedding(), out);
            emit(written, ResultsDir.FEATURES, results.getFeatures(), out);
            emit(written, ResultsDir.GEO, results.getGeo(), out);
            emit(written, ResultsDir.DETECTIONS, results.getDetections(), out);
        };
    }

    private static void emit(
            List<String> kinds,
            String kind,
            org.apache.avro.specific.SpecificRecord row,
            java.util.function.BiConsumer<String, org.apache.avro.specific.SpecificRecord> out) {
        if (row != null && kinds.contains(kind)) {
            out.accept(kind, row);
        }
    }

    /** Dead letters in files point at their entry instead of carrying its bytes. */
    private static DeadLetter withLocator(DeadLetter letter) {
        if (letter.getFrame() != null) {
            letter.setOriginal(null);
            letter.setOriginalUri(
                    ArchiveEntries.locator(
                            letter.getFrame().getSourceId(), letter.getFrame().getFrameId()));
        }
        return letter;
    }

    /** Frames on, unreadable entries to the dead-letter side output. */
    static final class SplitFailures extends ProcessFunction<ArchiveRecord, ImageFrame> {
        private static final long serialVersionUID = 1L;

        @Override
        public void processElement(
                ArchiveRecord record, Context context, Collector<ImageFrame> out) {
            if (record.failure != null) {
                context.output(DeadLetters.TAG, record.failure);
            } else {
                out.collect(record.frame);
            }
        }
    }

    /** Passes elements on, counting them in accumulators. */
    static final class Count<T> extends ProcessFunction<T, T> {
        private static final long serialVersionUID = 1L;

        private final boolean deadLetters;

        Count(boolean deadLetters) {
            this.deadLetters = deadLetters;
        }

        @Override
        public void open(OpenContext context) {
            if (!deadLetters) {
                getRuntimeContext().getLongCounter(RESULTS);
            }
        }

        @Override
        public void processElement(T element, Context context, Collector<T> out) {
            String name =
                    deadLetters
                            ? DEAD_LETTER_PREFIX + ((DeadLetter) element).getReasonCode()
                            : RESULTS;
            getRuntimeContext().getLongCounter(name).add(1L);
            out.collect(element);
        }
    }

    /** The dead letters per reason in a job's accumulators. */
    public static Map<String, Long> deadLetters(Map<String, Object> accumulators) {
        Map<String, Long> reasons = new java.util.TreeMap<>();
        accumulators.forEach(
                (name, value) -> {
                    if (name.startsWith(DEAD_LETTER_PREFIX) && value instanceof Number n) {
                        reasons.put(name.substring(DEAD_LETTER_PREFIX.length()), n.longValue());
                    }
                });
        return reasons;
    }

    /** The frames with results in a job's accumulators. */
    public static long results(Map<String, Object> accumulators) {
        return accumulators.get(RESULTS) instanceof Number n ? n.longValue() : 0L;
    }
}
