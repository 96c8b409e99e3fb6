package io.ocellus.pipeline.internal;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Masks secrets in settings before they reach a log line or a message. A value is masked whole when
 * its key names a secret ({@code sasl.jaas.config}, {@code *.password}, {@code *secret*}, {@code
 * *token*}, {@code *credentials*}, {@code *.key}); inside any other value, what is written in a
 * compact form is masked too: an entry of a map setting whose key names a secret ({@code
 * ocellus.kafka.properties: sasl.jaas.config:...}), {@code password="..."} and the like, and the
 * user information of a URI ({@code https://user:pass@registry/} becomes {@code
 * https://******@registry/}).
 */
public final class Secrets {
    /** What stands for a masked secret. */
    public static final String MASK = "******";

    /** User information in a URI: {@code scheme://user:pass@}. */
    private static final Pattern USER_INFO =
            Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)[^/@\\s]+@");

    /**
     * An entry of a map setting ({@code key:value}, entries separated by {@code ,}) whose key names
     * a secret: its value up to the next entry that starts with a plain key.
     */
    private static final Pattern SECRET_ENTRY =
            Pattern.compile(
                    "(?i)((?:^|,|')\\s*[\\w.-]*(?:password|jaas|secret|token|credentials|\\.key)"
                            + "[\\w.-]*\\s*:)(.*?)(?=,\\s*'?[\\w.-]+:|'?$)");

    /** {@code password=...} and its kin, as JAAS and connection strings write them. */
    private static final Pattern SECRET_ASSIGNMENT =
            Pattern.compile(
                    "(?i)((?:password|secret|token|credentials)\\w*\\s*=\\s*)(\"[^\"]*\"|[^\\s;,]+)");

    private Secrets() {}

    /** Whether {@code key} names a setting whose whole value is a secret. */
    public static boolean isSecretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("password")
                || k.contains("jaas")
                || k.contains("secret")
                || k.contains("token")
                || k.endsWith(".key")
                || k.contains("credentials");
    }

    /** The value of setting {@code key} as it may be shown. */
    public static String mask(String key, String value) {
        if (value == null) {
            return null;
        }
        if (isSecretKey(key)) {
            return MASK;
        }
        return maskValue(value);
    }

    /** Any text with the compact forms of secrets masked. */
    public static String maskValue(String value) {
        if (value == null) {
            return null;
        }
        String masked = SECRET_ENTRY.matcher(value).replaceAll("$1" + MASK);
        masked = SECRET_ASSIGNMENT.matcher(masked).replaceAll("$1" + MASK);
        return USER_INFO.matcher(masked).replaceAll("$1" + MASK + "@");
    }
}
