/**
 * The workflow every Ocellus job runs, defined once: frames in, decode, micro-batched inference,
 * results per task and dead letters out. The streaming job, archive reprocessing and tests bind
 * their own sources and sinks to it.
 */
package io.ocellus.pipeline.workflow;
