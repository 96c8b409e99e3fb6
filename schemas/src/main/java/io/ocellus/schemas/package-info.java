/**
 * The Avro records Ocellus reads and writes: {@link io.ocellus.schemas.ImageFrame} in, {@link
 * io.ocellus.schemas.Classification}, {@link io.ocellus.schemas.Embedding}, {@link
 * io.ocellus.schemas.DetectionFeatures} and {@link io.ocellus.schemas.DeadLetter} out. The classes
 * are generated from {@code src/main/avro/*.avsc} at build time; edit the schemas, never the
 * classes.
 */
package io.ocellus.schemas;
