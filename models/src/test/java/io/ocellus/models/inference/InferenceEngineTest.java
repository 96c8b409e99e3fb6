package io.ocellus.models.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocellus.models.image.ImageDecoder;
import io.ocellus.models.io.LoadedModel;
import io.ocellus.models.io.ModelLoader;
import io.ocellus.models.io.ModelLocator;
import io.ocellus.models.io.ModelSource;
import io.ocellus.models.testutils.SharedFixtures;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.tensorflow.Result;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.proto.RewriterConfig;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TFloat32;

/** The engine on the real 0.25_128 weights: outputs, batching, threads and lifecycle. */
class InferenceEngineTest {
    private static final String MODEL = "mobilenet_v1_0.25_128_quant.tflite";

    private static ModelSource source(Integer resolution) throws Exception {
        return ModelLocator.locate(
                SharedFixtures.modelFile(MODEL).toString(), null, resolution, null);
    }

    private static List<RgbImage> images() throws Exception {
        List<RgbImage> images = new ArrayList<>();
        for (var file : SharedFixtures.images()) {
            images.add(new ImageDecoder().decode(file));
        }
        return images;
    }

    @Test
    void givesTheSameAnswerWhateverTheBatch() throws Exception {
        List<RgbImage> images = images();
        try (InferenceEngine engine =
                InferenceEngine.open(source(null), EngineOptions.defaults())) {
            List<Prediction> together = engine.infer(images, Outputs.classes(3));
            for (int i = 0; i < images.size(); i++) {
                Prediction alone = engine.infer(List.of(images.get(i)), Outputs.classes(3)).get(0);
                assertThat(alone.top().get(0).index())
                        .isEqualTo(together.get(i).top().get(0).index());
                assertThat(alone.top().get(0).score())
                        .isCloseTo(
                                together.get(i).top().get(0).score(),
                                org.assertj.core.data.Offset.offset(1e-4f));
            }
        }
    }

    @Test
    void returnsTopKInOrderAndNormalisedEmbeddings() throws Exception {
        Outputs outputs = new Outputs(5, true, true, true, Set.of());
        try (InferenceEngine engine =
                InferenceEngine.open(source(null), EngineOptions.defaults())) {
            Prediction p = engine.infer(images().subList(0, 1), outputs).get(0);
            assertThat(p.top()).hasSize(5);
            for (int i = 1; i < 5; i++) {
                assertThat(p.top().get(i).score()).isLessThanOrEqualTo(p.top().get(i - 1).score());
            }
            float sum = 0;
            for (float v : p.probabilities()) {
                sum += v;
            }
            assertThat(sum).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-3f));
            assertThat(p.embedding()).hasSize(256);
            assertThat(SharedFixtures.cosine(p.embedding(), p.embedding()))
                    .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-6));
            double norm = 0;
            for (float v : p.embedding()) {
                norm += v * v;
            }
            assertThat(Math.sqrt(norm)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
            assertThat(p.embeddingNorm()).isGreaterThan(1.0);
        }
    }

    @Test
    void givesSsdFeatureMapsAt300() throws Exception {
        try (InferenceEngine engine = InferenceEngine.open(source(300), EngineOptions.defaults())) {
            assertThat(engine.signature().resolution()).isEqualTo(300);
            Prediction p = engine.infer(images().subList(0, 2), Outputs.detectionFeatures()).get(1);
            FeatureMap conv11 = p.features().get("Conv2d_11_pointwise");
            FeatureMap conv13 = p.features().get("Conv2d_13_pointwise");
            assertThat(new int[] {conv11.height(), conv11.width(), conv11.channels()})
                    .containsExactly(19, 19, 128);
            assertThat(new int[] {conv13.height(), conv13.width(), conv13.channels()})
                    .containsExactly(10, 10, 256);
            assertThat(conv13.values()).hasSize(10 * 10 * 256);
            assertThat(p.top()).isEmpty();
            assertThat(p.embedding()).isNull();
        }
    }

    @Test
    void computesOnlyWhatTheFetchedOutputsNeed() throws Exception {
        // The engine fetches only the tensors of the outputs asked for; TensorFlow then runs only
        // the ops those tensors depend on. Traced on the loaded model the engine would run.
        try (LoadedModel model =
                        ModelLoader.load(
                                source(null), EngineOptions.defaults().toConfigProto(), true);
                TFloat32 input = TFloat32.tensorOf(Shape.of(1, 128, 128, 3));
                Result result =
                        model.session()
                                .runner()
                                .feed(model.signature().input(), input)
                                .fetch(
                                        model.signature()
                                                .featureTensors()
                                                .get("Conv2d_11_pointwise"))
                                .setOptions(
                                        RunOptions.newBuilder()
                                                .setTraceLevel(RunOptions.TraceLevel.FULL_TRACE)
                                                .build())
                                .runAndFetchMetadata()) {
            String executed = result.getMetadata().orElseThrow().getStepStats().toString();
            assertThat(executed).contains("Conv2d_11_pointwise");
            assertThat(executed).doesNotContain("Conv2d_12_depthwise", "Softmax", "AvgPool");
        }
    }

    @Test
    void servesConcurrentCallersWithTheSameAnswers() throws Exception {
        List<RgbImage> images = images();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (InferenceEngine engine =
                InferenceEngine.open(source(null), EngineOptions.defaults())) {
            List<Prediction> expected = engine.infer(images, Outputs.classes(1));
            List<Future<List<Prediction>>> futures = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                futures.add(pool.submit(() -> engine.infer(images, Outputs.classes(1))));
            }
            for (Future<List<Prediction>> future : futures) {
                List<Prediction> got = future.get();
                for (int i = 0; i < images.size(); i++) {
                    assertThat(got.get(i).top().get(0).index())
                            .isEqualTo(expected.get(i).top().get(0).index());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void opensFromASerializedFactoryAsAWorkerWould() throws Exception {
        PredictorFactory factory =
                new EngineFactory(
                        source(null),
                        EngineOptions.builder()
                                .optWarmUp(List.of(2))
                                .optWarmUpOutputs(Outputs.classes(1))
                                .build());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(factory);
        }
        PredictorFactory shipped;
        try (ObjectInputStream in =
                new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            shipped = (PredictorFactory) in.readObject();
        }
        assertThat(bytes.size()).as("bytes shipped").isLessThan(4096);
        try (Predictor predictor = shipped.open()) {
            assertThat(predictor.signature().modelId()).isEqualTo("mobilenet_v1_0.25_128");
            assertThat(predictor.infer(images().subList(0, 2), Outputs.classes(1))).hasSize(2);
        }
    }

    @Test
    void closesOnceAndRefusesUseAfterClose() throws Exception {
        InferenceEngine engine =
                InferenceEngine.open(
                        source(null), EngineOptions.builder().optWarmUp(List.of(1, 4)).build());
        List<RgbImage> one = images().subList(0, 1);
        engine.close();
        engine.close();
        assertThatThrownBy(() -> engine.infer(one, Outputs.classes(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
    }

    @Test
    void warmsUpOnTheOutputsItIsToldOf() throws Exception {
        EngineOptions.Builder options = EngineOptions.builder().optWarmUp(List.of(1, 8));
        try (InferenceEngine engine =
                InferenceEngine.open(
                        source(null), options.optWarmUpOutputs(Outputs.embedding(true)).build())) {
            assertThat(engine.infer(images().subList(0, 2), Outputs.embedding(true))).hasSize(2);
        }
        // the warm-up runs what it is told: an output the model lacks fails the opening
        assertThatThrownBy(
                        () ->
                                InferenceEngine.open(
                                        source(null),
                                        options.optWarmUpOutputs(
                                                        Outputs.detections(
                                                                Outputs.DetectionQuery.DEFAULT))
                                                .build()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a detector");
    }

    @Test
    void leavesOutTheGraphPassesThatInferenceOnACpuDoesNotNeed() {
        for (Precision precision : List.of(Precision.FP32, Precision.BF16)) {
            RewriterConfig rewrite =
                    EngineOptions.builder()
                            .optPrecision(precision)
                            .build()
                            .toConfigProto()
                            .getGraphOptions()
                            .getRewriteOptions();
            assertThat(rewrite.getMemoryOptimization())
                    .isEqualTo(RewriterConfig.MemOptType.NO_MEM_OPT);
            assertThat(rewrite.getLayoutOptimizer()).isEqualTo(RewriterConfig.Toggle.OFF);
            assertThat(rewrite.getMetaOptimizerIterations())
                    .isEqualTo(RewriterConfig.NumIterationsType.ONE);
        }
    }

    @Test
    void refusesOutputsTheModelDoesNotHave() throws Exception {
        try (InferenceEngine engine =
                InferenceEngine.open(source(null), EngineOptions.defaults())) {
            assertThatThrownBy(
                            () ->
                                    engine.infer(
                                            images().subList(0, 1),
                                            new Outputs(
                                                    0, false, false, false, Set.of("Conv2d_99"))))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("Conv2d_99");
        }
    }
}
