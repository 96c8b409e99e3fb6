package io.ocellus.models.inference;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.tensorflow.types.TFloat32;

/** Images go into pooled tensors of 3 channels as they are, of 4 with a zero fourth channel. */
class InputTensorPoolTest {
    @Test
    void aFourChannelTensorTakesEachPixelWithAZeroAfterIt() {
        float[] rgb = new float[2 * 2 * 3 * 2]; // two 2x2 images
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = i + 1;
        }
        try (InputTensorPool pool = new InputTensorPool(2, 4)) {
            TFloat32 tensor = pool.borrow(1);
            assertThat(tensor.shape().asArray()).containsExactly(1, 2, 2, 4);
            float[] stale = new float[16];
            java.util.Arrays.fill(stale, 9f);
            tensor.asRawTensor().data().asFloats().write(stale);
            pool.write(tensor.asRawTensor().data().asFloats(), 0, rgb, 12); // the second image
            float[] written = new float[16];
            tensor.asRawTensor().data().asFloats().read(written);
            assertThat(written)
                    .containsExactly(13, 14, 15, 0, 16, 17, 18, 0, 19, 20, 21, 0, 22, 23, 24, 0);
            pool.release(tensor);
        }
    }

    @Test
    void aThreeChannelTensorTakesTheImageAsItIs() {
        float[] rgb = new float[12];
        for (int i = 0; i < rgb.length; i++) {
            rgb[i] = -i;
        }
        try (InputTensorPool pool = new InputTensorPool(2, 3)) {
            TFloat32 tensor = pool.borrow(2);
            pool.write(tensor.asRawTensor().data().asFloats(), 1, rgb, 0);
            float[] written = new float[24];
            tensor.asRawTensor().data().asFloats().read(written);
            assertThat(java.util.Arrays.copyOfRange(written, 12, 24)).containsExactly(rgb);
            pool.release(tensor);
        }
    }
}
