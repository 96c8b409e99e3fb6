/**
 * Ocellus as a model provider for Flink SQL's {@code ML_PREDICT}: {@code CREATE MODEL ... WITH
 * ('provider' = 'ocellus', 'task' = 'classify', 'ocellus.model.path' = ...)} takes the jobs' own
 * settings ({@code io.ocellus.pipeline.config}), and an asynchronous predict function gathers the
 * rows in flight in one subtask into one forward pass. A row that cannot be decoded gets its output
 * row with {@code error} set and the other columns null: one output row per input row.
 */
package io.ocellus.pipeline.sql;
