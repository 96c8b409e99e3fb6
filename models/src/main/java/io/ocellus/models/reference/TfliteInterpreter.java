package io.ocellus.models.reference;

import static org.bytedeco.tensorflowlite.global.tensorflowlite.TfLiteTensorData;
import static org.bytedeco.tensorflowlite.global.tensorflowlite.kTfLiteFloat32;

import io.ocellus.models.detection.Detection;
import io.ocellus.models.inference.ImagePreprocessor;
import io.ocellus.models.inference.Preprocessing;
import io.ocellus.models.inference.RgbImage;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.tensorflowlite.BuiltinOpResolver;
import org.bytedeco.tensorflowlite.FlatBufferModel;
import org.bytedeco.tensorflowlite.Interpreter;
import org.bytedeco.tensorflowlite.InterpreterBuilder;
import org.bytedeco.tensorflowlite.TfLiteTensor;

/**
 * The TensorFlow Lite interpreter (bytedeco's build of TensorFlow Lite 2.18, its builtin ops and
 * {@code TFLite_Detection_PostProcess}) running a released .tflite file: the reference the engine
 * is compared with in the fidelity tests, {@code ocellus bench} and {@code ocellus eval
 * --detections}. Its jars are an optional dependency of this module: whoever uses this class adds
 * {@code org.bytedeco:tensorflow-lite} and {@code org.bytedeco:javacpp} (with their {@code
 * linux-x86_64} classifier), as the command-line tools do; the Flink job jar leaves them out.
 * Pre-processing as TensorFlow Lite's label_image: the whole image resized with legacy bilinear,
 * truncated to uint8. Not thread-safe; close it.
 */
public final class TfliteInterpreter implements AutoCloseable {
    private final FlatBufferModel model;
    private final BuiltinOpResolver resolver;
    private final InterpreterBuilder builder;
    private final Interpreter interpreter;

    /** Loads the file to run on 2 threads. */
    public TfliteInterpreter(Path file) {
        this(file, 2);
    }

    /** Loads the file to run on {@code threads} threads. */
    public TfliteInterpreter(Path file, int threads) {
        model = FlatBufferModel.BuildFromFile(file.toString());
        if (model == null || model.isNull()) {
            throw new IllegalArgumentException("cannot load " + file);
        }
        resolver = new BuiltinOpResolver();
        builder = new InterpreterBuilder(model, resolver);
        builder.SetNumThreads(threads);
        interpreter = new Interpreter((org.bytedeco.javacpp.Pointer) null);
        check(builder.apply(interpreter), "build interpreter");
        check(interpreter.AllocateTensors(), "allocate tensors");
    }

    /** Whether the model takes 8-bit input ({@link #run}, {@link #detect}). */
    public boolean takesBytes() {
        return interpreter.input_tensor(0).type() != kTfLiteFloat32;
    }

    /** Quantized uint8 input bytes for an image at the model's resolution. */
    public static byte[] quantizedInput(RgbImage image, int resolution) {
        float[] pixels = new float[resolution * resolution * 3];
        ImagePreprocessor.fill(image, Preprocessing.STRETCH, resolution, 0f, 255f, pixels, 0);
        byte[] bytes = new byte[pixels.length];
        for (int i = 0; i < pixels.length; i++) {
            bytes[i] = (byte) (int) pixels[i]; // truncation, as label_image casts
        }
        return bytes;
    }

    /**
     * The class probabilities for an image, fed as TensorFlow Lite's label_image feeds it: the
     * whole image resized with legacy bilinear, truncated to uint8 for a quantized model, or scaled
     * to [-1, 1] for a float32 one.
     */
    public float[] classify(RgbImage image, int resolution) {
        TfLiteTensor in = interpreter.input_tensor(0);
        if (in.type() != kTfLiteFloat32) {
            return dequantize(run(quantizedInput(image, resolution)));
        }
        float[] pixels = new float[resolution * resolution * 3];
        ImagePreprocessor.fill(image, Preprocessing.STRETCH, resolution, -1f, 1f, pixels, 0);
        new FloatPointer(TfLiteTensorData(in)).capacity(pixels.length).put(pixels);
        check(interpreter.Invoke(), "invoke");
        TfLiteTensor out = interpreter.output_tensor(0);
        float[] output = new float[(int) (out.bytes() / Float.BYTES)];
        new FloatPointer(TfLiteTensorData(out)).capacity(output.length).get(output);
        return output;
    }

    /** Runs the raw uint8 input; returns the raw uint8 output. */
    public byte[] run(byte[] input) {
        TfLiteTensor in = interpreter.input_tensor(0);
        ByteBuffer target = TfLiteTensorData(in).capacity(in.bytes()).asByteBuffer();
        if (target.capacity() != input.length) {
            throw new IllegalArgumentException(
                    "input has " + input.length + " bytes, model takes " + target.capacity());
        }
        target.put(input);
        check(interpreter.Invoke(), "invoke");
        TfLiteTensor out = interpreter.output_tensor(0);
        byte[] output = new byte[(int) out.bytes()];
        new BytePointer(TfLiteTensorData(out)).capacity(out.bytes()).get(output);
        return output;
    }

    /**
     * Runs an SSD detector with {@code TFLite_Detection_PostProcess} on raw uint8 input; returns
     * its four float outputs: boxes {@code [n, 4]} (ymin, xmin, ymax, xmax), classes, scores and
     * the count.
     */
    public float[][] detect(byte[] input) {
        TfLiteTensor in = interpreter.input_tensor(0);
        ByteBuffer target = TfLiteTensorData(in).capacity(in.bytes()).asByteBuffer();
        target.put(input);
        check(interpreter.Invoke(), "invoke");
        float[][] outputs = new float[4][];
        for (int i = 0; i < 4; i++) {
            TfLiteTensor out = interpreter.output_tensor(i);
            outputs[i] = new float[(int) (out.bytes() / Float.BYTES)];
            new FloatPointer(TfLiteTensorData(out)).capacity(outputs[i].length).get(outputs[i]);
        }
        return outputs;
    }

    /**
     * The detections of an SSD detector on raw uint8 input, best first, boxes as the
     * post-processing left them (not clipped to the image); labels are left empty.
     */
    public List<Detection> detections(byte[] input) {
        float[][] out = detect(input);
        List<Detection> detections = new ArrayList<>();
        for (int i = 0; i < (int) out[3][0]; i++) {
            detections.add(
                    new Detection(
                            (int) out[1][i],
                            "",
                            out[2][i],
                            out[0][i * 4],
                            out[0][i * 4 + 1],
                            out[0][i * 4 + 2],
                            out[0][i * 4 + 3]));
        }
        return detections;
    }

    /** The output dequantized with its scale and zero point. */
    public float[] dequantize(byte[] output) {
        TfLiteTensor out = interpreter.output_tensor(0);
        float scale = out.params().scale();
        int zeroPoint = out.params().zero_point();
        float[] values = new float[output.length];
        for (int i = 0; i < output.length; i++) {
            values[i] = scale * ((output[i] & 0xFF) - zeroPoint);
        }
        return values;
    }

    private static void check(int status, String what) {
        if (status != 0) {
            throw new IllegalStateException(
                    "TensorFlow Lite could not " + what + ": status " + status);
        }
    }

    @Override
    public void close() {
        interpreter.close();
        builder.close();
        resolver.close();
        model.close();
    }
}
