package io.ocellus.operators.decode;

import java.io.Serializable;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Objects;

/**
 * The URI prefixes claim-checked images may be fetched from: a location is allowed when its scheme
 * and authority are a root's and its normalized path lies under the root's folder (no relative
 * paths, no climbing out with {@code ..}), or is the root itself (a root may name one file). Shared
 * by the fetcher and by whoever makes claim checks for the job to fetch (the archive job's reader),
 * so that both agree on what is allowed.
 */
public final class ClaimCheckRoots implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<URI> roots;

    public ClaimCheckRoots(List<String> roots) {
        this.roots =
                roots.stream()
                        .map(root -> URI.create(root.endsWith("/") ? root : root + "/").normalize())
                        .toList();
    }

    /** True when no root is configured: every claim check is refused. */
    public boolean isEmpty() {
        return roots.isEmpty();
    }

    /**
     * The location as a normalized URI when it lies under a root.
     *
     * @throws URISyntaxException when it is not a URI
     * @return null when it lies under no root
     */
    public URI find(String location) throws URISyntaxException {
        URI uri = new URI(location).normalize();
        String path = uri.getPath();
        if (uri.getScheme() != null && path != null && !path.startsWith("/..")) {
            for (URI root : roots) {
                if (root.getScheme().equalsIgnoreCase(uri.getScheme())
                        && Objects.equals(authority(root), authority(uri))
                        && (path.startsWith(root.getPath()) || root.getPath().equals(path + "/"))) {
                    return uri;
                }
            }
        }
        return null;
    }

    /** Whether {@link #find} finds the location under a root; false for what is not a URI. */
    public boolean allows(String location) {
        try {
            return find(location) != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static String authority(URI uri) {
        String authority = uri.getAuthority();
        return authority == null || authority.isEmpty() ? null : authority;
    }

    @Override
    public String toString() {
        return roots.toString();
    }
}
