package io.ocellus.models.inference;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.FloatDataBuffer;
import org.tensorflow.types.TFloat32;

/**
 * Input tensors kept between calls, per batch size. Feeding a freshly allocated native buffer on
 * every call costs about 15% of the forward pass of a small model (0.25_128 at batch 32: 10.5 ms
 * against 9.0 ms with a reused tensor), so the engine borrows a tensor, fills it, runs, and returns
 * it. Thread-safe; owned by one engine, which closes it.
 */
final class InputTensorPool implements AutoCloseable {
    /** Tensors kept per batch size: enough for a few concurrent callers. */
    private static final int KEEP_PER_SIZE = 4;

    private final int resolution;
    private final int channels;
    private final Map<Integer, Deque<TFloat32>> idle = new HashMap<>();
    private boolean closed;

    /**
     * Tensors of {@code channels} per pixel: 3, or 4 for a model whose first convolution was padded
     * for bfloat16 ({@link EvenChannels}), the fourth fed zeros.
     */
    InputTensorPool(int resolution, int channels) {
        this.resolution = resolution;
        this.channels = channels;
    }

    /**
     * Writes an RGB image of {@code resolution x resolution x 3} floats, from {@code rgb} at {@code
     * offset}, as image {@code index} of a borrowed tensor; channels past the third are zeros.
     */
    void write(FloatDataBuffer tensor, int index, float[] rgb, int offset) {
        int pixels = resolution * resolution;
        long base = (long) index * pixels * channels;
        if (channels == 3) {
            tensor.offset(base).write(rgb, offset, pixels * 3);
            return;
        }
        float[] row = new float[resolution * channels]; // the extra channels stay 0
        for (int y = 0; y < resolution; y++) {
            int from = offset + y * resolution * 3;
            for (int x = 0; x < resolution; x++) {
                int o = x * channels;
                int i = from + x * 3;
                row[o] = rgb[i];
                row[o + 1] = rgb[i + 1];
                row[o + 2] = rgb[i + 2];
            }
            tensor.offset(base + (long) y * row.length).write(row);
        }
    }

    /** A tensor of shape {@code [count, resolution, resolution, channels]}, stale contents. */
    synchronized TFloat32 borrow(int count) {
        Deque<TFloat32> free = idle.get(count);
        if (free != null && !free.isEmpty()) {
            return free.pop();
        }
        return TFloat32.tensorOf(Shape.of(count, resolution, resolution, channels));
    }

    /** Gives a borrowed tensor back; it is closed if the pool is full or closed. */
    synchronized void release(TFloat32 tensor) {
        int count = (int) tensor.shape().get(0);
        Deque<TFloat32> free = idle.computeIfAbsent(count, size -> new ArrayDeque<>());
        if (closed || free.size() >= KEEP_PER_SIZE) {
            tensor.close();
        } else {
            free.push(tensor);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        List<TFloat32> all = new ArrayList<>();
        idle.values().forEach(all::addAll);
        idle.clear();
        all.forEach(TFloat32::close);
    }
}
