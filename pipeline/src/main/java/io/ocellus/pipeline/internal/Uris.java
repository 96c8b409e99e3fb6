package io.ocellus.pipeline.internal;

import java.io.File;
import java.net.URI;
import java.net.URISyntaxException;

/** Paths and URIs as Flink's file systems take them. */
public final class Uris {
    private Uris() {}

    /** A local path as an absolute file URI; a URI with a scheme unchanged. */
    public static String of(String pathOrUri) {
        URI parsed = null;
        try {
            parsed = new URI(pathOrUri);
        } catch (URISyntaxException e) {
            // a local path with characters URIs do not take
        }
        // one-letter schemes are Windows drive letters
        if (parsed != null && parsed.getScheme() != null && parsed.getScheme().length() > 1) {
            return pathOrUri;
        }
        return new File(pathOrUri).getAbsoluteFile().toURI().toString();
    }
}
