/**
 * MobileNet v1 (Howard et al., 2017) as a table of blocks: {@link
 * io.ocellus.models.mobilenet.MobileNetV1Spec} gives the layers, output shapes, multiply-adds and
 * parameters of any width multiplier and resolution, and {@link
 * io.ocellus.models.mobilenet.MobileNetV1GraphBuilder} writes the network into a TensorFlow graph
 * with TF-slim's tensor names.
 */
package io.ocellus.models.mobilenet;
