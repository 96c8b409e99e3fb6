/** Running jobs in this JVM: a Flink local environment bound to 127.0.0.1. */
package io.ocellus.pipeline.local;
