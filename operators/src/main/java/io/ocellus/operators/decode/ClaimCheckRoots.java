package io.ocellus.operators.decode;

import java.io.IOException;
import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The places claim-checked images may be fetched from, and the check that a location lies there: a
 * security boundary, since whoever writes to the input topic names the locations.
 *
 * <p>A root is an absolute hierarchical URI ({@code file:///data/frames/}, {@code
 * s3://bucket/frames/}); an absolute path ({@code /data/frames}) is taken as its {@code file:} URI.
 * Anything else is refused when the job is built ({@link #root}). A location is allowed when its
 * scheme and authority are a root's and its path, segment by segment after decoding, lies under the
 * root's (or is the root itself: a root may name one file). Locations are refused, not normalised,
 * when their path holds a dot segment ({@code .}, {@code ..}, also percent-encoded), an encoded
 * separator ({@code %2F}, {@code %5C}) or NUL, an empty segment ({@code //}), a query or a
 * fragment. A local ({@code file:}) location must also resolve, symbolic links followed, to a real
 * path under a root's real path ({@link #realPath}).
 *
 * <p>Shared by the fetcher and by whoever makes claim checks for the job to fetch (the archive
 * job's reader), so that both agree on what is allowed. Immutable once built; safe to share.
 */
public final class ClaimCheckRoots implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * A root, taken apart once: its URI, its decoded path segments, and for a local root its path.
     */
    private record Root(URI uri, String authority, List<String> segments, String local)
            implements Serializable {
        static Root of(URI uri) {
            String authority = ClaimCheckRoots.authority(uri);
            boolean isLocal = "file".equalsIgnoreCase(uri.getScheme()) && authority == null;
            try {
                List<String> segments = List.copyOf(ClaimCheckRoots.segments(uri.getRawPath()));
                return new Root(
                        uri, authority, segments, isLocal ? ClaimCheckRoots.local(segments) : null);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("claim-check root " + uri, e); // checked
            }
        }
    }

    private final List<Root> roots;

    /** The real paths of local roots that exist, resolved once each. */
    private transient Map<String, Path> realRoots;

    /**
     * @param roots absolute URIs or absolute paths
     * @throws IllegalArgumentException naming the first root that is neither
     */
    public ClaimCheckRoots(List<String> roots) {
        this.roots = roots.stream().map(ClaimCheckRoots::root).map(Root::of).toList();
    }

    /**
     * A root as the URI it is compared by: an absolute URI with a hierarchical path, ending in
     * {@code /}; an absolute path becomes its {@code file:} URI.
     *
     * @throws IllegalArgumentException saying what is wrong with it
     */
    public static URI root(String root) {
        String text = root.strip();
        URI uri;
        try {
            uri = text.startsWith("/") ? Path.of(text).toUri() : new URI(text);
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "claim-check root '%s' is not a URI (%s)",
                            root,
                            e.getMessage()));
        }
        if (uri.getScheme() == null || uri.isOpaque() || !uri.getRawPath().startsWith("/")) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "claim-check root '%s' is neither an absolute URI with a path"
                                    + " (file:///data/frames/, s3://bucket/frames/) nor an"
                                    + " absolute path (/data/frames)",
                            root));
        }
        try {
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new URISyntaxException(text, "a query or fragment");
            }
            segments(uri.getRawPath());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    String.format(
                            Locale.ROOT,
                            "claim-check root '%s' is refused: %s",
                            root,
                            e.getReason()));
        }
        return uri.getRawPath().endsWith("/") ? uri : URI.create(uri + "/");
    }

    /** True when no root is configured: every claim check is refused. */
    public boolean isEmpty() {
        return roots.isEmpty();
    }

    /**
     * The location as a URI when it lies under a root, by its text alone (nothing is read).
     *
     * @throws URISyntaxException when it is not a URI, or is refused for its form (the reason says
     *     which: a dot segment, an encoded separator, an empty segment, a query or fragment)
     * @return null when it lies under no root (relative locations included)
     */
    public URI find(String location) throws URISyntaxException {
        URI uri = new URI(location);
        if (uri.getScheme() == null || uri.isOpaque() || uri.getRawPath() == null) {
            return null;
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new URISyntaxException(location, "a query or fragment in a claim check");
        }
        List<String> path = segments(uri.getRawPath());
        String authority = authority(uri);
        for (Root root : roots) {
            if (root.uri().getScheme().equalsIgnoreCase(uri.getScheme())
                    && Objects.equals(root.authority(), authority)
                    && under(path, root.segments())) {
                return uri;
            }
        }
        return null;
    }

    /** Whether {@link #find} finds the location under a root; false for what it refuses. */
    public boolean allows(String location) {
        try {
            return find(location) != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /**
     * The real path (symbolic links resolved) of a {@code file:} location that {@link #find}
     * allowed, when it lies under the real path of a local root.
     *
     * @return null when it resolves to a place under no root (a link that leads out)
     * @throws NoSuchFileException when nothing is there
     * @throws IOException when it cannot be resolved
     */
    public Path realPath(URI allowed) throws IOException {
        Path real;
        try {
            real = Path.of(local(segments(allowed.getRawPath()))).toRealPath();
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IOException("not a local path: " + allowed, e);
        }
        for (Root root : roots) {
            Path base = root.local() == null ? null : realRoot(root.local());
            if (base != null && real.startsWith(base)) {
                return real;
            }
        }
        return null;
    }

    /** The real path of a local root, or null while it does not exist. */
    private Path realRoot(String local) throws IOException {
        Map<String, Path> resolved = realRoots;
        if (resolved == null) {
            resolved = new ConcurrentHashMap<>();
            realRoots = resolved;
        }
        Path base = resolved.get(local);
        if (base == null) {
            try {
                base = Path.of(local).toRealPath();
            } catch (NoSuchFileException e) {
                return null; // a root that does not exist (yet) holds nothing
            }
            resolved.put(local, base);
        }
        return base;
    }

    /** The local path of decoded segments, as text (a root's is kept in serialised form). */
    private static String local(List<String> segments) {
        return Path.of("/", segments.toArray(String[]::new)).toString();
    }

    /**
     * The decoded segments of an absolute raw path; a trailing {@code /} adds none.
     *
     * @throws URISyntaxException for a relative path, an empty segment, a dot segment, or a segment
     *     that decodes to a separator or NUL
     */
    static List<String> segments(String rawPath) throws URISyntaxException {
        if (!rawPath.startsWith("/")) {
            throw new URISyntaxException(rawPath, "a relative path");
        }
        List<String> segments = new ArrayList<>();
        if (rawPath.equals("/")) {
            return segments;
        }
        int end = rawPath.endsWith("/") ? rawPath.length() - 1 : rawPath.length();
        String body = rawPath.substring(1, Math.max(1, end));
        for (String raw : body.split("/", -1)) {
            String segment = decode(rawPath, raw);
            if (segment.isEmpty()) {
                throw new URISyntaxException(rawPath, "an empty path segment (//)");
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw new URISyntaxException(rawPath, "a dot segment (. or ..) in the path");
            }
            if (segment.indexOf('/') >= 0 || segment.indexOf('\\') >= 0) {
                throw new URISyntaxException(rawPath, "an encoded separator in the path");
            }
            if (segment.indexOf('\0') >= 0) {
                throw new URISyntaxException(rawPath, "a NUL character in the path");
            }
            segments.add(segment);
        }
        return segments;
    }

    /** A raw URI component, percent-decoded as UTF-8 ({@code +} stays a plus). */
    static String decode(String input, String raw) throws URISyntaxException {
        if (raw.indexOf('%') < 0) {
            return raw;
        }
        try {
            return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new URISyntaxException(input, "a malformed percent escape");
        }
    }

    private static boolean under(List<String> path, List<String> root) {
        return path.size() >= root.size() && path.subList(0, root.size()).equals(root);
    }

    private static String authority(URI uri) {
        String authority = uri.getRawAuthority();
        return authority == null || authority.isEmpty() ? null : authority.toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return roots.stream().map(Root::uri).toList().toString();
    }
}
