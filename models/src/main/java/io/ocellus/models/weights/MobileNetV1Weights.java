package io.ocellus.models.weights;

import io.ocellus.models.MalformedModelException;
import io.ocellus.models.mobilenet.Layer;
import io.ocellus.models.mobilenet.MobileNetV1Spec;
import java.util.Map;

/**
 * The weights of one MobileNet v1, keyed by TF-slim layer name and checked against its {@link
 * MobileNetV1Spec}: every layer of the spec is present with the sizes the table gives.
 *
 * <p>Immutable once built; plain Java arrays, no native memory.
 */
public final class MobileNetV1Weights {
    private final MobileNetV1Spec spec;
    private final Map<String, LayerWeights> layers;
    private final String source;
    private final float[] inputRange;
    private final float[] poolRange;

    private MobileNetV1Weights(
            MobileNetV1Spec spec,
            Map<String, LayerWeights> layers,
            String source,
            float[] inputRange,
            float[] poolRange) {
        this.spec = spec;
        this.poolRange = poolRange;
        this.layers = Map.copyOf(layers);
        this.source = source;
        this.inputRange = inputRange;
    }

    /**
     * Checks the layers against the spec.
     *
     * @param source where the weights come from, for error messages
     * @throws MalformedModelException when a layer is missing or has other sizes than the spec
     */
    public static MobileNetV1Weights of(
            MobileNetV1Spec spec, Map<String, LayerWeights> layers, String source)
            throws MalformedModelException {
        return of(spec, layers, source, null, null);
    }

    /**
     * Checks the layers against the spec, for a quantized model whose input and pooled embedding
     * were quantized to the 8-bit grids {@code inputRange} and {@code poolRange} ({@code [min,
     * max]}, null for a float model).
     */
    public static MobileNetV1Weights of(
            MobileNetV1Spec spec,
            Map<String, LayerWeights> layers,
            String source,
            float[] inputRange,
            float[] poolRange)
            throws MalformedModelException {
        for (Layer layer : spec.layers()) {
            LayerWeights weights = layers.get(layer.name());
            if (weights == null) {
                throw new MalformedModelException(
                        String.format(
                                "%s: no weights for layer %s of %s",
                                source, layer.name(), spec.id()));
            }
            int[] shape = layer.kernelShape();
            int expected = shape[0] * shape[1] * shape[2] * shape[3];
            if (weights.kernel().length != expected) {
                throw new MalformedModelException(
                        String.format(
                                "%s: layer %s has %d kernel values, expected %d",
                                source, layer.name(), weights.kernel().length, expected));
            }
            if (weights.bias().length != layer.outChannels()) {
                throw new MalformedModelException(
                        String.format(
                                "%s: layer %s has %d biases, expected %d",
                                source, layer.name(), weights.bias().length, layer.outChannels()));
            }
        }
        return new MobileNetV1Weights(spec, layers, source, inputRange, poolRange);
    }

    public MobileNetV1Spec spec() {
        return spec;
    }

    /** The 8-bit grid of the input of a quantized model, {@code [min, max]}, or null. */
    public float[] inputRange() {
        return inputRange;
    }

    /** The 8-bit grid of the pooled embedding of a quantized model, {@code [min, max]}, or null. */
    public float[] poolRange() {
        return poolRange;
    }

    /** Whether every layer carries the requantization of a quantized model. */
    public boolean isQuantized() {
        return spec.layers().stream()
                .allMatch(layer -> layers.get(layer.name()).requantization() != null);
    }

    /** Where the weights were read from. */
    public String source() {
        return source;
    }

    /** The weights of a layer of the spec. */
    public LayerWeights layer(String name) {
        LayerWeights weights = layers.get(name);
        if (weights == null) {
            throw new IllegalArgumentException("no weights for layer " + name);
        }
        return weights;
    }
}
