package io.ocellus.schemas;

/**
 * Every reason a frame can become a {@link DeadLetter}: the values of its {@code reasonCode} field
 * (a string on the wire, so that consumers built before a new code still read it). One place lists
 * them, for producers and consumers alike.
 */
public enum ReasonCode {
    /** A Kafka record that is not a frame in the configured input format (stage DESERIALIZE). */
    UNREADABLE_RECORD,
    /**
     * A claim check outside the configured roots, relative, in a refused form (dot segments,
     * encoded separators, empty segments, a query), or leading out through a symbolic link.
     */
    CLAIM_CHECK_NOT_ALLOWED,
    /** Nothing at the claim check's URI. */
    CLAIM_CHECK_MISSING,
    /** A claim-checked object over the byte limit, known before it is read. */
    CLAIM_CHECK_TOO_LARGE,
    /** A claim-checked object whose size or SHA-256 differs from the declared one. */
    CLAIM_CHECK_MISMATCH,
    /** An I/O error, or no file system for the claim check's scheme. */
    CLAIM_CHECK_UNREADABLE,
    /** A claim-checked object that could not be read within the fetch time limit. */
    CLAIM_CHECK_TIMEOUT,
    /** An archive that cannot be read any further (reprocess; stage FETCH). */
    ARCHIVE_UNREADABLE,
    /** One archive entry that cannot be read (reprocess; stage FETCH). */
    ENTRY_UNREADABLE,
    /** A zip entry compressed with a method or encryption the reader lacks (reprocess). */
    UNSUPPORTED_COMPRESSION,
    /** No image bytes at all. */
    EMPTY,
    /** Bytes that are no format the decoder reads. */
    UNSUPPORTED_FORMAT,
    /** More pixels than the limit (from the header), or more bytes than the byte limit. */
    TOO_LARGE,
    /** A known format, but broken: truncated, corrupt beyond repair, an impossible header. */
    UNDECODABLE,
    /** A decode that ran past the time limit. */
    DECODE_TIMEOUT,
    /**
     * No longer emitted: a forward pass that fails is the engine's fault, not the frame's, and
     * fails the task instead (Flink restores it and the frames are run again). Kept so that
     * consumers that know the code still read old dead letters.
     */
    INFERENCE_FAILED
}
