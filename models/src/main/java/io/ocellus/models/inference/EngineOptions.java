package io.ocellus.models.inference;

import java.io.Serializable;
import java.util.List;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.RewriterConfig;

/**
 * Settings of an {@link InferenceEngine}. Immutable and serializable; build with {@link
 * #builder()}.
 *
 * <pre>{@code
 * EngineOptions options = EngineOptions.builder().optIntraOpThreads(2).optWarmUp(List.of(1, 8)).build();
 * }</pre>
 *
 * @param intraOpThreads threads inside one op (0 = TensorFlow's choice, all cores)
 * @param interOpThreads ops run at once (0 = TensorFlow's choice)
 * @param preprocessing how images become the model's input
 * @param warmUpBatchSizes batch sizes run once at start so the first real call is not slow
 * @param warmUpOutputs the outputs the warm-up asks for, or null for every output the model has:
 *     TensorFlow prepares a graph for each set of outputs on its first run (about a second for
 *     MobileNet), so a warm-up for the outputs that the callers will ask for leaves none of that to
 *     their first batch
 * @param quantizedActivations for quantized TensorFlow Lite weights, round activations to the
 *     model's 8-bit grids as TensorFlow Lite does (default); false runs plain float activations
 * @param precision the forward pass's arithmetic, as asked ({@link Precision#resolve} says what
 *     runs)
 * @param streams concurrent runs of slices of a batch, each on one thread (0 = one per core when
 *     {@code intraOpThreads} is 0, else 1; see {@link #resolvedStreams()})
 */
public record EngineOptions(
        int intraOpThreads,
        int interOpThreads,
        Preprocessing preprocessing,
        List<Integer> warmUpBatchSizes,
        Outputs warmUpOutputs,
        boolean quantizedActivations,
        Precision precision,
        int streams)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public EngineOptions {
        warmUpBatchSizes = List.copyOf(warmUpBatchSizes);
        if (precision == null) {
            precision = Precision.FP32;
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults: TensorFlow's threads, center-crop, no warm-up, 8-bit activation grids. */
    public static EngineOptions defaults() {
        return builder().build();
    }

    /**
     * Whether a quantized model's activations are rounded to its 8-bit grids: asked for, and the
     * products float32. Their exact rounding does not survive bfloat16 products (on the 1300
     * labelled images the grids under bf16 lost up to 0.6 points, float activations under bf16 at
     * most 0.3), so bf16 runs float activations; int8 runs its own uint8 grids.
     */
    public boolean emulatesGrids() {
        return quantizedActivations && precision.resolve() == Precision.FP32;
    }

    /**
     * How many slices of a batch run at once. Asked for, or by default one per core the JVM may use
     * when TensorFlow is left to choose its threads ({@code intraOpThreads} 0), and 1 when a thread
     * count is set. With more than one, each run's ops take one thread (or {@code intraOpThreads})
     * and the streams share the cores: on the 2-core machines of the README's figures this is 1.25x
     * (float32) to 1.45x (int8) the images/s of one run over both cores at batch 8, because
     * single-threaded convolutions need no barriers and a slice of a few images keeps its
     * activations in the core's cache where a whole batch goes to memory (depthwise layers there
     * run at memory bandwidth).
     */
    public int resolvedStreams() {
        if (streams > 0) {
            return streams;
        }
        return intraOpThreads == 0 ? Runtime.getRuntime().availableProcessors() : 1;
    }

    /** The TensorFlow session configuration these options ask for. */
    public ConfigProto toConfigProto() {
        int streamCount = resolvedStreams();
        ConfigProto.Builder config =
                streamCount > 1
                        ? ConfigProto.newBuilder()
                                .setIntraOpParallelismThreads(
                                        intraOpThreads == 0 ? 1 : intraOpThreads)
                                .setInterOpParallelismThreads(Math.max(interOpThreads, streamCount))
                        : ConfigProto.newBuilder()
                                .setIntraOpParallelismThreads(intraOpThreads)
                                .setInterOpParallelismThreads(interOpThreads);
        // Grappler prepares the graph for each new set of fetched outputs. Its memory optimizer
        // (recomputation and swapping, for training) and its layout optimizer (NCHW for GPUs)
        // change nothing in these NHWC inference graphs on a CPU, nor does a second round of the
        // meta-optimizer; without them the first run of an output set took 0.5-0.6 s instead of
        // 0.9-1.2 s for 1.0_224 (README, Speed of start-up), with the same graphs and answers.
        RewriterConfig.Builder rewrite =
                RewriterConfig.newBuilder()
                        .setMemoryOptimization(RewriterConfig.MemOptType.NO_MEM_OPT)
                        .setLayoutOptimizer(RewriterConfig.Toggle.OFF)
                        .setMetaOptimizerIterations(RewriterConfig.NumIterationsType.ONE);
        if (precision.resolve() == Precision.BF16) {
            rewrite.setAutoMixedPrecisionOnednnBfloat16(RewriterConfig.Toggle.ON);
        }
        config.setGraphOptions(GraphOptions.newBuilder().setRewriteOptions(rewrite));
        return config.build();
    }

    /** Builder of {@link EngineOptions}; every setting is optional. */
    public static final class Builder {
        private int intraOpThreads;
        private int interOpThreads;
        private Preprocessing preprocessing = Preprocessing.CENTER_CROP;
        private List<Integer> warmUpBatchSizes = List.of();
        private Outputs warmUpOutputs;
        private boolean quantizedActivations = true;
        private Precision precision = Precision.FP32;
        private int streams;

        private Builder() {}

        /**
         * Concurrent single-threaded runs of slices of a batch (0, the default: one per core when
         * the intra-op threads are TensorFlow's choice; 1: one run per batch).
         */
        public Builder optStreams(int streams) {
            this.streams = streams;
            return this;
        }

        /** fp32 (default), bf16, or auto (bf16 where the CPU has AVX512_BF16 or AMX). */
        public Builder optPrecision(Precision precision) {
            this.precision = precision;
            return this;
        }

        public Builder optIntraOpThreads(int threads) {
            this.intraOpThreads = threads;
            return this;
        }

        public Builder optInterOpThreads(int threads) {
            this.interOpThreads = threads;
            return this;
        }

        public Builder optPreprocessing(Preprocessing preprocessing) {
            this.preprocessing = preprocessing;
            return this;
        }

        public Builder optWarmUp(List<Integer> batchSizes) {
            this.warmUpBatchSizes = batchSizes;
            return this;
        }

        /** The outputs the warm-up asks for (default null: every output the model has). */
        public Builder optWarmUpOutputs(Outputs outputs) {
            this.warmUpOutputs = outputs;
            return this;
        }

        public Builder optQuantizedActivations(boolean quantizedActivations) {
            this.quantizedActivations = quantizedActivations;
            return this;
        }

        /** Checks the settings. */
        public EngineOptions build() {
            if (intraOpThreads < 0 || interOpThreads < 0 || streams < 0) {
                throw new IllegalArgumentException(
                        String.format(
                                "thread and stream counts must be 0 (automatic) or positive, got"
                                        + " intra %d inter %d streams %d",
                                intraOpThreads, interOpThreads, streams));
            }
            if (preprocessing == null || warmUpBatchSizes == null) {
                throw new IllegalArgumentException("preprocessing and warm-up must not be null");
            }
            for (int size : warmUpBatchSizes) {
                if (size <= 0) {
                    throw new IllegalArgumentException(
                            "warm-up batch sizes must be positive, got " + size);
                }
            }
            return new EngineOptions(
                    intraOpThreads,
                    interOpThreads,
                    preprocessing,
                    warmUpBatchSizes,
                    warmUpOutputs,
                    quantizedActivations,
                    precision,
                    streams);
        }
    }
}
