/** Kafka at the edge of the jobs: an in-process broker for the demo and the tests. */
package io.ocellus.pipeline.kafka;
