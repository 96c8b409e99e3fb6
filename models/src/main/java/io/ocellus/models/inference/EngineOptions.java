package io.ocellus.models.inference;

import java.io.Serializable;
import java.util.List;
import org.tensorflow.proto.ConfigProto;

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
 * @param quantizedActivations for quantized TensorFlow Lite weights, round activations to the
 *     model's 8-bit grids as TensorFlow Lite does (default); false runs plain float activations
 */
public record EngineOptions(
        int intraOpThreads,
        int interOpThreads,
        Preprocessing preprocessing,
        List<Integer> warmUpBatchSizes,
        boolean quantizedActivations)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    public EngineOptions {
        warmUpBatchSizes = List.copyOf(warmUpBatchSizes);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Defaults: TensorFlow's threads, center-crop, no warm-up, 8-bit activation grids. */
    public static EngineOptions defaults() {
        return builder().build();
    }

    /** The TensorFlow session configuration these options ask for. */
    public ConfigProto toConfigProto() {
        ConfigProto.Builder config =
                ConfigProto.newBuilder()
                        .setIntraOpParallelismThreads(intraOpThreads)
                        .setInterOpParallelismThreads(interOpThreads);
        return config.build();
    }

    /** Builder of {@link EngineOptions}; every setting is optional. */
    public static final class Builder {
        private int intraOpThreads;
        private int interOpThreads;
        private Preprocessing preprocessing = Preprocessing.CENTER_CROP;
        private List<Integer> warmUpBatchSizes = List.of();
        private boolean quantizedActivations = true;

        private Builder() {}

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

        public Builder optQuantizedActivations(boolean quantizedActivations) {
            this.quantizedActivations = quantizedActivations;
            return this;
        }

        /** Checks the settings. */
        public EngineOptions build() {
            if (intraOpThreads < 0 || interOpThreads < 0) {
                throw new IllegalArgumentException(
                        String.format(
                                "thread counts must be 0 (automatic) or positive, got intra %d inter %d",
                                intraOpThreads, interOpThreads));
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
                    quantizedActivations);
        }
    }
}
