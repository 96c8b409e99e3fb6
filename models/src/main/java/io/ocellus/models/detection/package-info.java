/**
 * Object detection with SSD on MobileNet v1: {@link io.ocellus.models.detection.SsdGraphBuilder}
 * turns a TensorFlow Lite SSD file (Google's COCO detector) into TensorFlow ops up to decoded boxes
 * and per-anchor best scores, and {@link io.ocellus.models.detection.FastNms} keeps the boxes
 * TensorFlow Lite's {@code TFLite_Detection_PostProcess} keeps.
 */
package io.ocellus.models.detection;
