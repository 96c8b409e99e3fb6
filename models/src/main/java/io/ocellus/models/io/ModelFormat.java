package io.ocellus.models.io;

/** The file formats a model can be loaded from. */
public enum ModelFormat {
    /** One or more TensorFlow Lite flatbuffers (float32 or quantized) of one MobileNet v1. */
    TFLITE,
    /** A TF1 frozen GraphDef ({@code .pb}) with TF-slim's tensor names. */
    FROZEN_GRAPH,
    /** A SavedModel directory with TF-Hub style classification or feature-vector signatures. */
    SAVED_MODEL
}
