/**
 * Weight import: released MobileNet v1 files read into {@link
 * io.ocellus.models.weights.MobileNetV1Weights}, float kernels and biases in TensorFlow's layouts,
 * checked against the layer table.
 */
package io.ocellus.models.weights;
