/**
 * Flink operators of the Ocellus workflow. Sub-packages by stage: {@code batch} groups frames into
 * micro-batches for the model.
 */
package io.ocellus.operators;
