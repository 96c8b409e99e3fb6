package io.ocellus.operators.inference;

import io.ocellus.models.detection.Detection;
import io.ocellus.models.inference.FeatureMap;
import io.ocellus.models.inference.ImagePreprocessor;
import io.ocellus.models.inference.Outputs;
import io.ocellus.models.inference.Prediction;
import io.ocellus.models.inference.Predictor;
import io.ocellus.models.inference.PredictorFactory;
import io.ocellus.models.inference.ScoredLabel;
import io.ocellus.models.io.ModelSignature;
import io.ocellus.operators.batch.BatchFunction;
import io.ocellus.operators.decode.DecodedFrame;
import io.ocellus.schemas.Classification;
import io.ocellus.schemas.DetectedObject;
import io.ocellus.schemas.DetectionFeatures;
import io.ocellus.schemas.Detections;
import io.ocellus.schemas.Embedding;
import io.ocellus.schemas.FrameRef;
import io.ocellus.schemas.FrameResults;
import io.ocellus.schemas.NormalizedBox;
import io.ocellus.schemas.PixelBox;
import io.ocellus.schemas.Timings;
import io.ocellus.schemas.ValueEncoding;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a batch of decoded frames through the model and, when detection is on, through the detector:
 * pre-processes each frame for each (timed apart), one forward pass per model for the batch, and
 * one {@link FrameResults} per frame with the tasks that are on. Each frame was decoded once; each
 * model resizes it to its own input. The models are opened from their {@link PredictorFactory}s in
 * {@link #open()} and closed in {@link #close()}; one per parallel instance.
 */
public final class InferenceFunction implements BatchFunction<DecodedFrame, FrameResults> {
    private static final long serialVersionUID = 1L;

    private final PredictorFactory model;
    private final PredictorFactory detector;
    private final InferenceTasks tasks;
    private final ModelUpdate.Reader updates;

    private transient Predictor predictor;
    private transient Predictor detecting;
    private transient String version;

    /** One model for every task; no detection. */
    public InferenceFunction(PredictorFactory model, InferenceTasks tasks) {
        this(model, null, tasks);
    }

    /**
     * @param model the classifier, or null when no task but detection is on
     * @param detector the detector, or null when detection is off
     */
    public InferenceFunction(
            PredictorFactory model, PredictorFactory detector, InferenceTasks tasks) {
        this(model, detector, tasks, null);
    }

    /**
     * @param model the classifier, or null when no task but detection is on
     * @param detector the detector, or null when detection is off
     * @param updates reads the records that name a new model ({@link #swap}), or null when the
     *     model is fixed
     */
    public InferenceFunction(
            PredictorFactory model,
            PredictorFactory detector,
            InferenceTasks tasks,
            ModelUpdate.Reader updates) {
        if (updates != null && !tasks.needsModel()) {
            throw new IllegalArgumentException("model updates need a task that uses the model");
        }
        if (tasks.needsModel() && model == null) {
            throw new IllegalArgumentException("the tasks need a model");
        }
        if ((tasks.detections() != null) != (detector != null)) {
            throw new IllegalArgumentException(
                    "a detector is needed exactly when the detection task is on");
        }
        this.model = tasks.needsModel() ? model : null;
        this.detector = detector;
        this.tasks = tasks;
        this.updates = updates;
    }

    /** Whether {@link #swap} takes updates. */
    public boolean swappable() {
        return updates != null;
    }

    /**
     * Replaces the model (not the detector) by the one {@code record} names: opened, warmed up and
     * checked before the current one is released; on any error the current model stays.
     *
     * @return a description of the new model, for the log
     * @throws Exception saying why the update is refused
     */
    public String swap(String record) throws Exception {
        if (updates == null) {
            throw new IllegalStateException("this inference function takes no model updates");
        }
        ModelUpdate update = updates.read(record);
        Predictor next = update.model().open();
        try {
            checkServes(next.signature(), tasks);
        } catch (RuntimeException e) {
            next.close();
            throw e;
        }
        Predictor previous = predictor;
        predictor = next;
        version = update.version();
        if (previous != null) {
            previous.close();
        }
        return modelLabel() + " from " + update.description();
    }

    /** The id results carry for the model in use: its id, and {@code @version} when given. */
    public String modelLabel() {
        if (predictor == null) {
            return "(no model)";
        }
        String id = predictor.signature().modelId();
        return version == null ? id : id + "@" + version;
    }

    /** Fails, naming what is missing, when a model cannot serve {@code tasks}. */
    public static void checkServes(ModelSignature signature, InferenceTasks tasks) {
        String id = signature.modelId();
        if (signature.isDetector()) {
            throw new IllegalArgumentException(
                    id
                            + " is a detector; the model's tasks need a"
                            + " classifier or feature extractor");
        }
        if (tasks.topK() > 0 && !signature.hasClassifier()) {
            throw new IllegalArgumentException(id + " has no classifier; the job classifies");
        }
        if (tasks.embeddings() && signature.embedding() == null) {
            throw new IllegalArgumentException(id + " has no embedding; the job embeds");
        }
        if (tasks.features()
                && !signature.featureTensors().keySet().containsAll(Outputs.DETECTION_LAYERS)) {
            throw new IllegalArgumentException(
                    id
                            + " lacks the feature maps "
                            + Outputs.DETECTION_LAYERS
                            + "; the job"
                            + " emits them");
        }
    }

    @Override
    public void open() throws Exception {
        if (model != null) {
            predictor = model.open();
        }
        if (detector != null) {
            detecting = detector.open();
        }
    }

    /** One model's answers for the batch and where its time went. */
    private record Pass(String modelId, List<Prediction> predictions, Timings[] timings) {}

    @Override
    public List<FrameResults> apply(List<DecodedFrame> batch) throws Exception {
        Pass main = predictor == null ? null : run(predictor, modelLabel(), batch, tasks.outputs());
        Pass boxes =
                detecting == null
                        ? null
                        : run(
                                detecting,
                                detecting.signature().modelId(),
                                batch,
                                Outputs.detections(tasks.detections()));
        List<FrameResults> results = new ArrayList<>(batch.size());
        for (int i = 0; i < batch.size(); i++) {
            DecodedFrame frame = batch.get(i);
            FrameResults result =
                    main == null
                            ? new FrameResults()
                            : results(
                                    frame.ref(),
                                    main.modelId(),
                                    main.predictions().get(i),
                                    main.timings()[i]);
            if (boxes != null) {
                result.setDetections(
                        detections(
                                frame,
                                boxes.modelId(),
                                boxes.predictions().get(i).detections(),
                                boxes.timings()[i]));
            }
            results.add(result);
        }
        return results;
    }

    /** Pre-processes the batch for one model and runs it. */
    private static Pass run(
            Predictor predictor, String modelId, List<DecodedFrame> batch, Outputs outputs)
            throws Exception {
        ModelSignature signature = predictor.signature();
        int size = signature.resolution() * signature.resolution() * 3;
        float[] input = new float[batch.size() * size];
        long[] preprocessMicros = new long[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            DecodedFrame frame = batch.get(i);
            if (frame.input != null) { // pre-processed where it was decoded
                if (frame.inputSize() != size) {
                    throw new IllegalStateException(
                            String.format(
                                    "frame %s was pre-processed to %d floats, %s takes %d",
                                    frame.frameId, frame.inputSize(), signature.modelId(), size));
                }
                frame.copyInput(input, i * size);
                preprocessMicros[i] = frame.preprocessMicros;
                continue;
            }
            long start = System.nanoTime();
            ImagePreprocessor.fill(
                    frame.image(),
                    predictor.preprocessing(),
                    signature.resolution(),
                    signature.inputLow(),
                    signature.inputHigh(),
                    input,
                    i * size);
            preprocessMicros[i] = (System.nanoTime() - start) / 1000;
        }
        long start = System.nanoTime();
        List<Prediction> predictions = predictor.inferPreprocessed(input, batch.size(), outputs);
        long inferenceMicros = (System.nanoTime() - start) / 1000;
        Timings[] timings = new Timings[batch.size()];
        for (int i = 0; i < batch.size(); i++) {
            timings[i] =
                    new Timings(
                            batch.get(i).decodeMicros,
                            preprocessMicros[i],
                            inferenceMicros,
                            batch.size());
        }
        return new Pass(modelId, predictions, timings);
    }

    private FrameResults results(
            FrameRef frame, String modelId, Prediction prediction, Timings timings) {
        FrameResults results = new FrameResults();
        if (tasks.topK() > 0) {
            List<io.ocellus.schemas.ScoredLabel> top = new ArrayList<>();
            for (ScoredLabel label : prediction.top()) {
                top.add(
                        new io.ocellus.schemas.ScoredLabel(
                                label.index(), label.label(), label.score()));
            }
            results.setClassification(new Classification(frame, modelId, top, timings));
        }
        if (tasks.embeddings()) {
            List<Float> vector = new ArrayList<>(prediction.embedding().length);
            for (float v : prediction.embedding()) {
                vector.add(v);
            }
            results.setEmbedding(
                    new Embedding(
                            frame,
                            modelId,
                            vector,
                            (float) prediction.embeddingNorm(),
                            tasks.normalizeEmbeddings()));
        }
        if (tasks.features()) {
            List<io.ocellus.schemas.FeatureMap> maps = new ArrayList<>();
            for (FeatureMap map : prediction.features().values()) {
                maps.add(
                        new io.ocellus.schemas.FeatureMap(
                                map.layer(),
                                map.height(),
                                map.width(),
                                map.channels(),
                                ValueEncoding.FLOAT32_LE,
                                littleEndian(map.values())));
            }
            maps.sort((a, b) -> a.getLayer().compareTo(b.getLayer()));
            results.setFeatures(new DetectionFeatures(frame, modelId, maps));
        }
        return results;
    }

    /** The detector's boxes, normalised and in the source frame's pixels. */
    static Detections detections(
            DecodedFrame frame, String modelId, List<Detection> found, Timings timings) {
        int width = frame.sourceWidth > 0 ? frame.sourceWidth : frame.width;
        int height = frame.sourceHeight > 0 ? frame.sourceHeight : frame.height;
        List<DetectedObject> objects = new ArrayList<>(found.size());
        for (Detection d : found) {
            objects.add(
                    new DetectedObject(
                            d.index(),
                            d.label(),
                            d.score(),
                            new NormalizedBox(d.ymin(), d.xmin(), d.ymax(), d.xmax()),
                            new PixelBox(
                                    Math.round(d.xmin() * width),
                                    Math.round(d.ymin() * height),
                                    Math.round(d.xmax() * width),
                                    Math.round(d.ymax() * height))));
        }
        return new Detections(frame.ref(), modelId, width, height, objects, timings);
    }

    private static ByteBuffer littleEndian(float[] values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bytes.asFloatBuffer().put(values);
        return bytes;
    }

    @Override
    public void close() {
        try {
            if (predictor != null) {
                predictor.close();
                predictor = null;
            }
        } finally {
            if (detecting != null) {
                detecting.close();
                detecting = null;
            }
        }
    }
}
