package io.ocellus.models.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.ocellus.models.detection.SsdGraphBuilder;
import io.ocellus.models.mobilenet.Layer;
import io.ocellus.models.mobilenet.LayerKind;
import io.ocellus.models.mobilenet.MobileNetV1GraphBuilder;
import io.ocellus.models.mobilenet.MobileNetV1GraphBuilder.WeightMode;
import io.ocellus.models.testutils.SharedFixtures;
import io.ocellus.models.weights.MobileNetV1Weights;
import io.ocellus.models.weights.TfliteWeightImporter;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

/**
 * Pointwise layers as MatMuls: the convolution's sums, in the float32 graphs built for the engine
 * (MobileNet and the detector).
 */
class PointwiseMatMulTest {
    private static final Shape INPUT = Shape.of(2, 5, 7, 6);

    @Test
    void onlyOneByOneStrideOneConvolutionsInFloat32() {
        assertThat(PointwiseMatMul.applies(false, 1, 1, 1, 1)).isTrue();
        assertThat(PointwiseMatMul.applies(true, 1, 1, 1, 1)).isFalse();
        assertThat(PointwiseMatMul.applies(false, 3, 3, 1, 1)).isFalse();
        assertThat(PointwiseMatMul.applies(false, 1, 1, 2, 2)).isFalse();
    }

    @Test
    void integerValuesGiveTheConvolutionsSumsExactly() {
        float[][] both = convolutionAndMatMul(new Random(7), true);
        assertThat(both[1]).containsExactly(both[0]);
    }

    @Test
    void realValuesGiveTheConvolutionsSumsWithinRounding() {
        float[][] both = convolutionAndMatMul(new Random(8), false);
        for (int i = 0; i < both[0].length; i++) {
            assertThat(both[1][i]).isCloseTo(both[0][i], within(1e-5f));
        }
    }

    @Test
    void anInputOfUnknownSizeIsRefused() {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Operand<TFloat32> x =
                    tf.placeholder(TFloat32.class, Placeholder.shape(Shape.of(-1, -1, -1, 6)));
            Operand<TFloat32> matrix = tf.zeros(tf.constant(new long[] {6, 3}), TFloat32.class);
            assertThatThrownBy(() -> PointwiseMatMul.of(tf, "Conv2D", x, matrix))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("known height and width");
        }
    }

    @Test
    void theEnginesFloat32GraphHasMatMulsWhereExportsAndBf16KeepConvolutions() throws Exception {
        MobileNetV1Weights weights =
                new TfliteWeightImporter()
                        .read(
                                List.of(
                                        SharedFixtures.modelFile(
                                                "mobilenet_v1_0.25_128_quant.tflite")));
        int pointwise = 0;
        for (Layer layer : weights.spec().bodyLayers()) {
            pointwise += layer.kind() == LayerKind.POINTWISE ? 1 : 0;
        }
        assertThat(pointwise).isEqualTo(13);
        // The 13 pointwise layers and the logits; the first, 3x3 layer stays a Conv2D.
        assertThat(opTypes(weights, false, true))
                .containsEntry("MatMul", pointwise + 1)
                .containsEntry("Conv2D", 1);
        assertThat(opTypes(weights, true, true))
                .doesNotContainKey("MatMul")
                .containsEntry("Conv2D", pointwise + 2);
        assertThat(opTypes(weights, false, false))
                .doesNotContainKey("MatMul")
                .containsEntry("Conv2D", pointwise + 2);
    }

    @Test
    void theDetectorsFloat32GraphHasMatMulsAndItsBf16GraphNone() throws Exception {
        Path detector =
                SharedFixtures.siblingModelFile(
                        "ssd_mobilenet_v1_coco", "ssd_mobilenet_v1_coco_quant.tflite");
        Map<String, Integer> fp32 = detectorOpTypes(detector, false);
        Map<String, Integer> bf16 = detectorOpTypes(detector, true);
        // The body's 13 pointwise layers at least; the feature layers and box predictors add more.
        assertThat(fp32.getOrDefault("MatMul", 0)).isGreaterThanOrEqualTo(13);
        assertThat(bf16).doesNotContainKey("MatMul");
        assertThat(bf16.get("Conv2D"))
                .isEqualTo(fp32.getOrDefault("Conv2D", 0) + fp32.get("MatMul"));
    }

    private static Map<String, Integer> detectorOpTypes(Path file, boolean bf16) throws Exception {
        try (Graph graph = new Graph()) {
            SsdGraphBuilder.build(Ops.create(graph), file, true, 0, bf16);
            return opTypes(graph);
        }
    }

    private static Map<String, Integer> opTypes(Graph graph) {
        Map<String, Integer> types = new HashMap<>();
        graph.operations().forEachRemaining(op -> types.merge(op.type(), 1, Integer::sum));
        return types;
    }

    private static Map<String, Integer> opTypes(
            MobileNetV1Weights weights, boolean bf16, boolean forEngine) {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            if (forEngine) {
                MobileNetV1GraphBuilder.build(tf, weights, WeightMode.CONSTANTS, true, bf16);
            } else {
                MobileNetV1GraphBuilder.build(tf, weights, WeightMode.CONSTANTS, true);
            }
            return opTypes(graph);
        }
    }

    /** A 1x1 Conv2D's output and the MatMul's, on the same random input and kernel. */
    private static float[][] convolutionAndMatMul(Random random, boolean integers) {
        float[] input = values(random, (int) INPUT.size(), integers);
        float[] kernel = values(random, 6 * 3, integers);
        try (Graph graph = new Graph();
                TFloat32 fed = TFloat32.tensorOf(INPUT, DataBuffers.of(input, true, false))) {
            Ops tf = Ops.create(graph);
            Operand<TFloat32> x = tf.withName("x").placeholder(TFloat32.class);
            Operand<TFloat32> known = tf.ensureShape(x, INPUT);
            tf.withName("conv")
                    .nn
                    .conv2d(
                            known,
                            tf.constant(Shape.of(1, 1, 6, 3), DataBuffers.of(kernel, true, false)),
                            List.of(1L, 1L, 1L, 1L),
                            "VALID");
            PointwiseMatMul.of(
                    tf,
                    "product",
                    known,
                    tf.constant(Shape.of(6, 3), DataBuffers.of(kernel, true, false)));
            try (Session session = new Session(graph);
                    var results =
                            session.runner().feed("x", fed).fetch("conv").fetch("product").run()) {
                TFloat32 conv = (TFloat32) results.get(0);
                TFloat32 product = (TFloat32) results.get(1);
                assertThat(product.shape()).isEqualTo(Shape.of(2, 5, 7, 3));
                return new float[][] {read(conv), read(product)};
            }
        }
    }

    private static float[] values(Random random, int count, boolean integers) {
        float[] values = new float[count];
        for (int i = 0; i < count; i++) {
            values[i] = integers ? random.nextInt(511) - 255 : (float) random.nextGaussian();
        }
        return values;
    }

    private static float[] read(TFloat32 tensor) {
        float[] values = new float[(int) tensor.shape().size()];
        tensor.asRawTensor().data().asFloats().read(values);
        return values;
    }
}
