/**
 * Micro-batching inside Flink: {@link io.ocellus.operators.batch.MicroBatchOperator} buffers
 * records up to a size or a delay, flushes on every checkpoint and at end of input, and sends a
 * failed batch to the dead-letter side output.
 */
package io.ocellus.operators.batch;
