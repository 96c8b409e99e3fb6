package io.ocellus.models.inference;

/**
 * One activation map of one image, NHWC without the batch dimension.
 *
 * @param layer the TF-slim layer name, for example {@code Conv2d_11_pointwise}
 * @param values {@code height * width * channels} floats, channels fastest
 */
public record FeatureMap(String layer, int height, int width, int channels, float[] values) {}
