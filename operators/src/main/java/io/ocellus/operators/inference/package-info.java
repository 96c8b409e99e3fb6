/**
 * Inference: batches of decoded frames through a {@link io.ocellus.models.inference.Predictor},
 * results as Avro records per task.
 */
package io.ocellus.operators.inference;
