/**
 * Flink operators of the Ocellus workflow, by stage: {@code decode} fetches claim checks and
 * decodes and resizes frames, {@code batch} groups them into micro-batches, {@code inference} runs
 * the model on a batch, {@code geo} locates embeddings against a geo index. Every stage sends the
 * frames it cannot process to one dead-letter side output ({@link
 * io.ocellus.operators.DeadLetters}) with a {@link io.ocellus.schemas.ReasonCode}.
 */
package io.ocellus.operators;
