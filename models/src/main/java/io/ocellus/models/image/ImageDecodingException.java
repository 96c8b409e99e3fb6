package io.ocellus.models.image;

/** Bytes that are not a picture Ocellus can decode; {@link #reason()} says which case. */
public class ImageDecodingException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why decoding failed, as a stable code for dead letters and counters. */
    public enum Reason {
        /** No bytes at all. */
        EMPTY,
        /** Not a format the decoder reads. */
        UNSUPPORTED_FORMAT,
        /** More pixels than the configured limit, read from the header. */
        TOO_LARGE,
        /** A known format, but truncated or corrupt. */
        UNDECODABLE
    }

    private final Reason reason;

    public ImageDecodingException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ImageDecodingException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
