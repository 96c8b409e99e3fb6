package io.ocellus.pipeline.cli;

import io.ocellus.models.ModelException;
import io.ocellus.models.inference.EngineFactory;
import io.ocellus.models.inference.InputSpec;
import io.ocellus.models.inference.Predictor;
import io.ocellus.models.inference.PredictorFactory;
import io.ocellus.models.inference.SharedPredictorFactory;
import io.ocellus.models.io.ModelSource;
import io.ocellus.operators.batch.MicroBatchOptions;
import io.ocellus.operators.decode.DecodeOptions;
import io.ocellus.operators.geo.GeoIndex;
import io.ocellus.operators.geo.GeoIndexes;
import io.ocellus.operators.geo.GeoOptions;
import io.ocellus.operators.inference.InferenceTasks;
import io.ocellus.pipeline.internal.Uris;
import io.ocellus.pipeline.workflow.WorkflowOptions;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What the workflow does and how: tasks, batching, decoding limits, parallelism, engine sharing.
 */
public final class WorkflowFlags {
    @Option(
            names = "--top",
            defaultValue = "5",
            description = "Labels per classification. Default: ${DEFAULT-VALUE}.")
    int top;

    @Option(names = "--raw-embeddings", description = "Do not L2-normalise embeddings.")
    boolean rawEmbeddings;

    @Option(
            names = "--batch-size",
            defaultValue = "8",
            description = "Frames per forward pass. Default: ${DEFAULT-VALUE}.")
    int batchSize;

    @Option(
            names = "--batch-delay-ms",
            defaultValue = "100",
            description = "Longest a frame waits for its batch to fill. Default: ${DEFAULT-VALUE}.")
    long batchDelayMillis;

    @Option(
            names = "--max-pixels",
            defaultValue = "50000000",
            description =
                    "Frames with more pixels go to dead letters, checked from the header. Default: ${DEFAULT-VALUE}.")
    long maxPixels;

    @Option(
            names = "--max-image-bytes",
            defaultValue = "33554432",
            description =
                    "Frames whose encoded image is larger go to dead letters; claim-checked objects are never read past it. Default: ${DEFAULT-VALUE} (32 MiB).")
    long maxImageBytes;

    @Option(
            names = "--max-decode-ms",
            defaultValue = "5000",
            description =
                    "A frame whose decoding takes longer goes to dead letters (DECODE_TIMEOUT); the job moves on. Default: ${DEFAULT-VALUE}.")
    long maxDecodeMillis;

    @Option(
            names = "--claim-check-root",
            paramLabel = "URI",
            description =
                    "A URI prefix claim-checked images may be fetched from (file:///data/frames/, s3://bucket/frames/ with Flink's S3 plugin); repeatable. Without one, claim-checked frames go to dead letters (CLAIM_CHECK_NOT_ALLOWED).")
    List<String> claimCheckRoots = List.of();

    @Option(
            names = "--no-jpeg-scaling",
            description =
                    "Decode every JPEG in full. By default large JPEGs are decoded scaled down by 2, 4 or 8 in the DCT, keeping the shorter side at least the network's input resolution.")
    boolean noJpegScaling;

    @Option(
            names = "--parallelism",
            description =
                    "Parallel instances of each operator (task slots used). Default: the cluster's default (a local run: one per core); 1 for demo.")
    Integer parallelism;

    @Option(
            names = "--engine-per-slot",
            description =
                    "One TensorFlow engine per parallel instance. By default the slots of a TaskManager share one engine per model: one copy of the weights and of the session's memory (README: engine sharing).")
    boolean enginePerSlot;

    @Option(
            names = "--geo-index",
            paramLabel = "URI",
            description =
                    "A geo index (ocellus geo-index build) to locate every frame against: its k nearest geotagged references and a location estimate, in the geo output. Built with the same model, or refused. Turns the embeddings computation on.")
    String geoIndex;

    @Mixin GeoEstimatorOptions geoEstimator;

    @Option(
            names = "--geo-search",
            defaultValue = "auto",
            converter = SearchConverter.class,
            description =
                    "exact (scan every reference), hnsw (an HNSW graph built when the index loads, approximate) or auto (exact up to 200000 references). Default: ${DEFAULT-VALUE}.")
    GeoIndex.Search geoSearch;

    /** Frames per forward pass. */
    public int batchSize() {
        return batchSize;
    }

    /** Labels per classification. */
    public int top() {
        return top;
    }

    /** The operators' instances as given, or null for the cluster's. */
    public Integer parallelism() {
        return parallelism;
    }

    /** The id of the model the last {@link #workflow} call opened, null before. */
    public String modelId() {
        return modelId;
    }

    /** The id of the model the last {@link #workflow} call opened, null before. */
    String modelId;

    /**
     * The workflow with these flags; opens the model once (no warm-up) to learn its input and id.
     */
    public WorkflowOptions workflow(
            ModelOptions model, boolean classifications, boolean embeddings, boolean features)
            throws ModelException, java.io.IOException {
        ModelSource source = model.source();
        // Open the model once here (no warm-up) to learn its input: the decoding tasks then
        // resize frames to it, and decode large JPEGs scaled down to just above it.
        InputSpec input;
        try (Predictor probe = new EngineFactory(source, model.engineOptions(List.of())).open()) {
            input = InputSpec.of(probe);
            modelId = probe.signature().modelId();
        }
        PredictorFactory engine =
                new EngineFactory(source, model.engineOptions(List.of(batchSize)));
        GeoOptions geo = null;
        if (geoIndex != null) {
            String uri = Uris.of(geoIndex);
            GeoIndexes.check(GeoIndexes.header(uri).modelId(), uri, modelId);
            geo = new GeoOptions(uri, modelId, geoEstimator.estimator(), geoSearch);
        }
        return new WorkflowOptions(
                enginePerSlot ? engine : new SharedPredictorFactory(engine),
                new InferenceTasks(
                        classifications ? top : 0,
                        embeddings || geo != null,
                        !rawEmbeddings,
                        features),
                new MicroBatchOptions(batchSize, Duration.ofMillis(batchDelayMillis)),
                new DecodeOptions(
                        maxPixels,
                        maxImageBytes,
                        noJpegScaling ? 0 : input.resolution(),
                        claimCheckRoots,
                        maxDecodeMillis,
                        input),
                geo);
    }

    static final class SearchConverter
            implements picocli.CommandLine.ITypeConverter<GeoIndex.Search> {
        @Override
        public GeoIndex.Search convert(String value) {
            for (GeoIndex.Search search : GeoIndex.Search.values()) {
                if (search.name().equalsIgnoreCase(value)) {
                    return search;
                }
            }
            throw new picocli.CommandLine.TypeConversionException(
                    "'" + value + "' is not exact, hnsw or auto");
        }
    }
}
