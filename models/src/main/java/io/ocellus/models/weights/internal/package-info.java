/**
 * Read-only views of the TensorFlow Lite flatbuffer schema, on top of the flatbuffers Java runtime.
 * Not for users: the importers in {@code io.ocellus.models.weights} are the API.
 */
package io.ocellus.models.weights.internal;
