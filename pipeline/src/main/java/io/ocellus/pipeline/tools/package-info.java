/**
 * The tools around the product, apart from the job code and left out of the job jar: benchmarks
 * ({@code bench}, {@code bench-pipeline}, {@code bench-reprocess}, {@code bench-geo}), the soak
 * driver, the demo, the {@code broker} command, and the in-process KRaft broker ({@link
 * io.ocellus.pipeline.tools.EmbeddedKafkaBroker}) and frame producer/consumer ({@link
 * io.ocellus.pipeline.tools.FrameClients}) that they and the tests share.
 */
package io.ocellus.pipeline.tools;
