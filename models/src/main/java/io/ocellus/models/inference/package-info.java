/**
 * Batched inference: {@link io.ocellus.models.inference.InferenceEngine} takes decoded RGB images,
 * pre-processes them ({@link io.ocellus.models.inference.Preprocessing}) and returns plain Java
 * values: top-k labels and probabilities, embeddings and feature maps.
 */
package io.ocellus.models.inference;
