/**
 * Finding, loading and exporting whole models: {@link io.ocellus.models.io.ModelLocator} turns a
 * path into a serializable {@link io.ocellus.models.io.ModelSource}; {@link
 * io.ocellus.models.io.ModelLoader} opens it as a {@link io.ocellus.models.io.LoadedModel}
 * (TensorFlow Lite weights, a TF1 frozen GraphDef or a SavedModel); {@link
 * io.ocellus.models.io.ModelExporter} writes SavedModels and frozen graphs.
 */
package io.ocellus.models.io;
