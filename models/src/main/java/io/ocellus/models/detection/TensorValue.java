package io.ocellus.models.detection;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * A tensor of the translated graph: {@code unit} is the real value of one unit of {@code x}.
 * Emulated layers pass on output steps (units of the output's 8-bit scale, relative to its zero
 * point), so that the next layer takes them as integers.
 */
record TensorValue(Operand<TFloat32> x, float unit) {
    /** Real values: {@code x} itself, or {@code x} times its unit. */
    Operand<TFloat32> real(Ops tf) {
        return unit == 1f ? x : tf.math.mul(x, tf.constant(unit));
    }

    /** A float constant named {@code name} in {@code tf}'s scope. */
    static Operand<TFloat32> constant(Ops tf, String name, float[] values, long... shape) {
        return tf.withName(name).constant(Shape.of(shape), DataBuffers.of(values, true, false));
    }

    /** A valid TensorFlow scope or op name made from a TensorFlow Lite tensor name. */
    static String sanitize(String name) {
        String cleaned = name.replaceAll("[^A-Za-z0-9_.-]", "_");
        return cleaned.isEmpty() || !Character.isLetterOrDigit(cleaned.charAt(0))
                ? "op_" + cleaned
                : cleaned;
    }
}
