package io.ocellus.pipeline.sql;

import io.ocellus.models.ModelException;
import io.ocellus.models.image.ImageDecoder;
import io.ocellus.models.image.ImageDecodingException;
import io.ocellus.models.image.ScaledJpegDecoder;
import io.ocellus.models.inference.EngineFactory;
import io.ocellus.models.inference.Outputs;
import io.ocellus.models.inference.Predictor;
import io.ocellus.models.inference.RgbImage;
import io.ocellus.models.inference.SharedPredictorFactory;
import io.ocellus.operators.DeadLetters;
import io.ocellus.operators.batch.MicroBatchOptions;
import io.ocellus.pipeline.config.BatchingOptions;
import io.ocellus.pipeline.config.DecodingOptions;
import io.ocellus.pipeline.config.DetectionOptions;
import io.ocellus.pipeline.config.ModelOptions;
import io.ocellus.pipeline.config.Settings;
import io.ocellus.pipeline.config.TaskOptions;
import io.ocellus.schemas.ReasonCode;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.functions.FunctionContext;

/**
 * {@code ML_PREDICT} with an Ocellus model: each row's image is decoded on a small pool (as the
 * DataStream job's decoding tasks do), and the decoded images in flight in this subtask go through
 * the model together ({@link RowBatcher}: by size or delay). The engine is shared by the slots of a
 * TaskManager. A row whose image cannot be decoded, or whose decoding takes longer than {@code
 * ocellus.decoding.timeout}, completes with its reason in {@code error}; nothing throws for bad
 * input. A forward pass that fails fails the task (it is not the row's fault).
 */
public final class OcellusPredictFunction extends AsyncPredictFunction {
    private static final long serialVersionUID = 1L;

    private final Map<String, String> settings;
    private final String task;
    private final OutputColumns columns;

    private transient Predictor engine;
    private transient ScaledJpegDecoder scaler;
    private transient ImageDecoder decoder;
    private transient ExecutorService decoding;
    private transient RowBatcher batcher;
    private transient long maxImageBytes;
    private transient long maxDecodeMillis;

    OcellusPredictFunction(Map<String, String> settings, String task, OutputColumns columns) {
        this.settings = Map.copyOf(settings);
        this.task = task;
        this.columns = columns;
    }

    @Override
    public void open(FunctionContext context) throws ModelException {
        Configuration config = Configuration.fromMap(settings);
        MicroBatchOptions batching = BatchingOptions.batching(config);
        boolean detect = task.equals("detect");
        Outputs outputs =
                switch (task) {
                    case "embed" ->
                            Outputs.embedding(
                                    Settings.get(config, TaskOptions.NORMALIZE_EMBEDDINGS));
                    case "detect" -> Outputs.detections(DetectionOptions.query(config));
                    default -> Outputs.classes(TaskOptions.topK(config));
                };
        engine =
                new SharedPredictorFactory(
                                new EngineFactory(
                                        detect
                                                ? DetectionOptions.source(
                                                        DetectionOptions.modelAsDetector(config))
                                                : ModelOptions.source(config),
                                        ModelOptions.engineOptions(
                                                config, List.of(batching.maxSize()), outputs)))
                        .open();
        if (detect) {
            DetectionOptions.check(engine);
        }
        scaler = new ScaledJpegDecoder();
        long maxPixels =
                Settings.checked(
                        config,
                        DecodingOptions.MAX_PIXELS,
                        v -> v > 0,
                        "a positive number of pixels");
        decoder = new ImageDecoder(maxPixels);
        if (Settings.get(config, DecodingOptions.JPEG_SCALING)) {
            decoder = decoder.withJpegScaling(scaler, engine.signature().resolution());
        }
        maxImageBytes = Settings.get(config, DecodingOptions.MAX_IMAGE_SIZE).getBytes();
        maxDecodeMillis = Settings.get(config, DecodingOptions.TIMEOUT).toMillis();
        decoding =
                Executors.newFixedThreadPool(
                        Math.max(1, Runtime.getRuntime().availableProcessors() / 2),
                        r -> {
                            Thread thread = new Thread(r, "ocellus-sql-decode");
                            thread.setDaemon(true);
                            return thread;
                        });
        batcher = new RowBatcher(engine, outputs, columns, batching);
    }

    @Override
    public CompletableFuture<Collection<RowData>> asyncPredict(RowData input) {
        byte[] image = input.isNullAt(0) ? null : input.getBinary(0);
        // As the stream's decoding task: past the time limit the row gets DECODE_TIMEOUT and the
        // decode ends on its own thread.
        return CompletableFuture.supplyAsync(() -> decode(image), decoding)
                .completeOnTimeout(timedOut(image), maxDecodeMillis, TimeUnit.MILLISECONDS)
                .thenCompose(
                        decoded ->
                                decoded.image() == null
                                        ? CompletableFuture.completedFuture(
                                                List.of(decoded.error()))
                                        : batcher.submit(decoded.image()));
    }

    private record Decoded(RgbImage image, RowData error) {}

    private Decoded timedOut(byte[] image) {
        return new Decoded(
                null,
                columns.error(
                        ReasonCode.DECODE_TIMEOUT.name(),
                        String.format(
                                Locale.ROOT,
                                "decoding %d bytes took longer than %d ms",
                                image == null ? 0 : image.length,
                                maxDecodeMillis)));
    }

    private Decoded decode(byte[] image) {
        if (image == null || image.length == 0) {
            return new Decoded(null, columns.error(ReasonCode.EMPTY.name(), "no image"));
        }
        if (image.length > maxImageBytes) {
            return new Decoded(
                    null,
                    columns.error(
                            ReasonCode.TOO_LARGE.name(),
                            "image of " + image.length + " bytes, over " + maxImageBytes));
        }
        try {
            return new Decoded(decoder.decode(image), null);
        } catch (ImageDecodingException e) {
            return new Decoded(
                    null, columns.error(DeadLetters.reasonOf(e.reason()).name(), e.getMessage()));
        } catch (RuntimeException e) {
            return new Decoded(
                    null, columns.error(ReasonCode.UNDECODABLE.name(), String.valueOf(e)));
        }
    }

    @Override
    public void close() {
        if (batcher != null) {
            batcher.close();
        }
        if (decoding != null) {
            decoding.shutdownNow();
        }
        if (engine != null) {
            engine.close();
        }
        if (scaler != null) {
            scaler.close();
        }
    }
}
