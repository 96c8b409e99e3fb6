/**
 * Every setting of the jobs as a Flink {@code ConfigOption}, one options class per component
 * (model, decoding, batching, task results, geo-localization, Kafka, the streaming job, the archive
 * job), read and checked from a Flink configuration; and {@link io.ocellus.pipeline.config.Jobs},
 * which builds the jobs from one. The same keys work as {@code -D}, in a cluster's {@code
 * config.yaml} and a FlinkDeployment's {@code flinkConfiguration}; the command line's flags set
 * them.
 */
package io.ocellus.pipeline.config;
