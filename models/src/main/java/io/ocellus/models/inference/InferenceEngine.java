package io.ocellus.models.inference;

import io.ocellus.models.InferenceException;
import io.ocellus.models.ModelException;
import io.ocellus.models.io.LoadedModel;
import io.ocellus.models.io.ModelLoader;
import io.ocellus.models.io.ModelSignature;
import io.ocellus.models.io.ModelSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Collectors;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;

/**
 * Runs batches of images through one loaded MobileNet v1 and returns plain Java values.
 *
 * <pre>{@code
 * try (InferenceEngine engine = InferenceEngine.open(source, EngineOptions.defaults())) {
 *     List<Prediction> predictions = engine.infer(images, Outputs.classes(5));
 * }
 * }</pre>
 *
 * <p>Owns its {@link LoadedModel} (graph, session) and closes it in {@link #close()}, which is safe
 * to call twice; calls after close throw {@link IllegalStateException}. Thread-safe: several
 * callers may run batches at once (TensorFlow sessions are), and close waits for running batches.
 * Every tensor a call creates is closed before it returns.
 */
public final class InferenceEngine implements Predictor {
    /** Runs a session's ops on the thread that calls {@code run} (TensorFlow's -1 pool). */
    static final RunOptions IN_CALLER_THREAD =
            RunOptions.newBuilder().setInterOpThreadPool(-1).build();

    private final LoadedModel model;
    private final ModelSignature signature;
    private final EngineOptions options;
    private final InputTensorPool inputs;
    private final StreamPool streams;
    private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();
    private boolean closed;

    private InferenceEngine(LoadedModel model, EngineOptions options) {
        OneDnn.warnIfOff();
        this.model = model;
        this.signature = model.signature();
        this.options = options;
        this.inputs = new InputTensorPool(signature.resolution(), inputChannels(model));
        this.streams = StreamPool.open(options.resolvedStreams(), signature.modelId());
    }

    /** Loads the model, opens a session with the options' threads and warms it up. */
    public static InferenceEngine open(ModelSource source, EngineOptions options)
            throws ModelException {
        return open(
                ModelLoader.load(
                        source,
                        options.toConfigProto(),
                        options.emulatesGrids(),
                        options.precision().resolve() == Precision.INT8),
                options);
    }

    /** Takes ownership of a loaded model (closing it if warm-up fails) and warms it up. */
    public static InferenceEngine open(LoadedModel model, EngineOptions options)
            throws ModelException {
        InferenceEngine engine = new InferenceEngine(model, options);
        try {
            engine.warmUp(options.warmUpBatchSizes());
            return engine;
        } catch (ModelException | RuntimeException e) {
            engine.close();
            throw e;
        }
    }

    @Override
    public ModelSignature signature() {
        return signature;
    }

    /**
     * The options' pre-processing; a detector always takes the whole image stretched, as its boxes
     * are relative to it (and the reference post-processing was evaluated that way).
     */
    @Override
    public Preprocessing preprocessing() {
        return signature.isDetector() ? Preprocessing.STRETCH : options.preprocessing();
    }

    public EngineOptions options() {
        return options;
    }

    public Labels labels() {
        return model.labels();
    }

    /**
     * Runs each batch size once on a grey batch, for the options' warm-up outputs (every output the
     * model has when they name none). A batch that runs as several slices is preceded by one image,
     * so that TensorFlow prepares the graph for those outputs once, not once per slice at the same
     * time.
     */
    public void warmUp(List<Integer> batchSizes) throws InferenceException {
        Outputs outputs = options.warmUpOutputs() != null ? options.warmUpOutputs() : everything();
        boolean prepared = false;
        for (int size : batchSizes) {
            if (!prepared && StreamPool.slices(size, options.resolvedStreams()).length > 1) {
                warmUp(1, outputs);
            }
            warmUp(size, outputs);
            prepared = true;
        }
    }

    private void warmUp(int size, Outputs outputs) throws InferenceException {
        float[] batch = new float[size * inputSize()];
        Arrays.fill(batch, (signature.inputLow() + signature.inputHigh()) / 2);
        inferPreprocessed(batch, size, outputs);
    }

    /** Pre-processes and runs a batch; one prediction per image, in order. */
    @Override
    public List<Prediction> infer(List<RgbImage> images, Outputs outputs)
            throws InferenceException {
        if (images.isEmpty()) {
            return List.of();
        }
        return run(
                images.size(),
                outputs,
                (buffer, first, count) -> {
                    float[] scratch = new float[inputSize()]; // one image, cache-sized
                    for (int i = 0; i < count; i++) {
                        ImagePreprocessor.fill(
                                images.get(first + i),
                                preprocessing(),
                                signature.resolution(),
                                signature.inputLow(),
                                signature.inputHigh(),
                                scratch,
                                0);
                        inputs.write(buffer, i, scratch, 0);
                    }
                });
    }

    /**
     * Runs a batch that is already at the model's resolution and input range: {@code count} images
     * of {@link #inputSize()} floats, NHWC.
     */
    @Override
    public List<Prediction> inferPreprocessed(float[] batch, int count, Outputs outputs)
            throws InferenceException {
        if (count <= 0 || batch.length != count * inputSize()) {
            throw new IllegalArgumentException(
                    String.format(
                            "a batch of %d images needs %d floats, got %d",
                            count, count * inputSize(), batch.length));
        }
        return run(
                count,
                outputs,
                (buffer, first, size) -> {
                    for (int i = 0; i < size; i++) {
                        inputs.write(buffer, i, batch, (first + i) * inputSize());
                    }
                });
    }

    /**
     * Runs a batch of 8-bit RGB levels already at the model's resolution, as TensorFlow Lite's
     * {@code label_image} feeds its interpreter: level q becomes {@code low + (high - low) q / 255}
     * of the model's input range.
     */
    public List<Prediction> inferLevels(byte[] levels, int count, Outputs outputs)
            throws InferenceException {
        float low = signature.inputLow();
        float high = signature.inputHigh();
        float[] batch = new float[levels.length];
        for (int i = 0; i < levels.length; i++) {
            batch[i] = low + (high - low) * (levels[i] & 0xFF) / 255f;
        }
        return inferPreprocessed(batch, count, outputs);
    }

    /**
     * Runs a batch as the slices {@link StreamPool#slices} cuts it into, at once on the pool's
     * streams (or here, for one slice), and joins their predictions in order.
     */
    private List<Prediction> run(int count, Outputs outputs, SliceFill fill)
            throws InferenceException {
        List<String> fetches = fetches(outputs);
        lifecycle.readLock().lock();
        try {
            checkOpen();
            return streams.run(
                    count, (first, size) -> runSlice(first, size, fetches, outputs, fill));
        } finally {
            lifecycle.readLock().unlock();
        }
    }

    /** Borrows an input tensor, lets {@code fill} write one slice, runs the session, decodes. */
    private List<Prediction> runSlice(
            int first, int count, List<String> fetches, Outputs outputs, SliceFill fill)
            throws InferenceException {
        TFloat32 input = inputs.borrow(count);
        try {
            fill.write(input.asRawTensor().data().asFloats(), first, count);
            try (Result result = run(model.session(), input, fetches)) {
                return OutputDecoder.decode(
                        result, fetches, count, outputs, signature, model.labels());
            }
        } catch (TensorFlowException | IllegalArgumentException e) {
            throw new InferenceException(
                    String.format(
                            "inference of a batch of %d on %s failed: %s",
                            count, signature.modelId(), e.getMessage()),
                    e);
        } finally {
            inputs.release(input);
        }
    }

    /** Writes images {@code first} to {@code first + count - 1} of a batch into an input. */
    @FunctionalInterface
    private interface SliceFill {
        void write(FloatDataBuffer buffer, int first, int count);
    }

    /**
     * Channels per pixel of the model's input tensor: 3, or 4 where the graph was built for
     * bfloat16 with its first convolution padded ({@link EvenChannels}).
     */
    private static int inputChannels(LoadedModel model) {
        var input = model.graph().output(model.signature().input());
        Shape shape = input == null ? Shape.unknown() : input.shape();
        return shape.numDimensions() == 4 && shape.get(3) > 3 ? (int) shape.get(3) : 3;
    }

    /** Floats per image in the model's input: resolution x resolution x 3. */
    public int inputSize() {
        return signature.resolution() * signature.resolution() * 3;
    }

    private Result run(Session session, TFloat32 input, List<String> fetches) {
        Session.Runner runner = session.runner().feed(signature.input(), input);
        if (options.resolvedStreams() > 1) {
            // Each stream's slice runs single-threaded by design: on the calling thread, not
            // handed to TensorFlow's inter-op pool and waited for (batch 1: 118-131 -> 137-140
            // images/s for 1.0_224 in float32 on the README's Intel machine).
            runner.setOptions(IN_CALLER_THREAD);
        }
        fetches.forEach(runner::fetch);
        return runner.run();
    }

    /** The tensors to fetch, in a fixed order that {@link OutputDecoder} reads back. */
    private List<String> fetches(Outputs outputs) {
        List<String> fetches = new ArrayList<>();
        if (outputs.needsClasses()) {
            if (!signature.hasClassifier()) {
                throw new IllegalArgumentException(
                        signature.modelId()
                                + " has no classifier: load a model with a logits layer");
            }
            fetches.add(
                    signature.probabilities() != null
                            ? signature.probabilities()
                            : signature.logits());
        }
        if (outputs.embedding()) {
            if (signature.embedding() == null) {
                throw new IllegalArgumentException(
                        signature.modelId() + " has no embedding output");
            }
            fetches.add(signature.embedding());
        }
        for (String layer : outputs.featureLayers()) {
            String tensor = signature.featureTensors().get(layer);
            if (tensor == null) {
                throw new IllegalArgumentException(
                        String.format(
                                "%s has no feature map '%s'; available: %s",
                                signature.modelId(), layer, signature.featureTensors().keySet()));
            }
            fetches.add(tensor);
        }
        if (outputs.detections() != null) {
            if (!signature.isDetector()) {
                throw new IllegalArgumentException(
                        signature.modelId()
                                + " is not a detector: load an SSD model such as"
                                + " ssd_mobilenet_v1_coco_quant.tflite");
            }
            fetches.add(signature.detection().boxes());
            fetches.add(signature.detection().scores());
            fetches.add(signature.detection().classes());
        }
        return fetches;
    }

    private Outputs everything() {
        return new Outputs(
                signature.hasClassifier() ? 1 : 0,
                false,
                signature.embedding() != null,
                false,
                signature.featureTensors().keySet().stream()
                        .filter(Outputs.DETECTION_LAYERS::contains)
                        .collect(Collectors.toSet()),
                signature.isDetector() ? Outputs.DetectionQuery.DEFAULT : null);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(
                    "inference engine for " + signature.modelId() + " is closed");
        }
    }

    @Override
    public void close() {
        lifecycle.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                try {
                    streams.close();
                    inputs.close();
                } finally {
                    model.close();
                }
            }
        } finally {
            lifecycle.writeLock().unlock();
        }
    }
}
