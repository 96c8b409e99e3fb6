package io.ocellus.models.image;

/** Bytes that are not a picture Ocellus can decode; the message says why. */
public class ImageDecodingException extends Exception {
    private static final long serialVersionUID = 1L;

    public ImageDecodingException(String message) {
        super(message);
    }

    public ImageDecodingException(String message, Throwable cause) {
        super(message, cause);
    }
}
