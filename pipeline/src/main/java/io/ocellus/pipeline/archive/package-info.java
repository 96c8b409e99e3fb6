/**
 * The archive job: folders, zip and tar(.gz) archives and Avro frame files read entry by entry
 * through Flink's file systems ({@link io.ocellus.pipeline.archive.ArchiveEntries}, the bounded
 * {@link io.ocellus.pipeline.archive.ArchiveSource}), run through the shared workflow in batch mode
 * ({@link io.ocellus.pipeline.archive.ReprocessJob}), and written as chunked Avro or JSON-lines
 * part files ({@link io.ocellus.pipeline.archive.ChunkedFileSink}, {@link
 * io.ocellus.pipeline.archive.RowFormat}) in a results folder that a later run resumes from ({@link
 * io.ocellus.pipeline.archive.ResultsDir}).
 */
package io.ocellus.pipeline.archive;
