package io.ocellus.pipeline.kafka;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka client settings of one source or sink: the pipeline's defaults, then the user's
 * settings, then the values the pipeline must own (read_committed input, the transaction timeout
 * exactly-once needs). A user's value that an owned one replaces is logged as a warning, never
 * dropped silently; secret values never reach the log.
 */
final class ClientSettings {
    private static final Logger LOG = LoggerFactory.getLogger(ClientSettings.class);

    private ClientSettings() {}

    /**
     * @param client names the client in the warning ("the frames source", ...)
     * @param defaults what the pipeline sets unless the user does
     * @param user the user's settings
     * @param owned what the pipeline always sets
     */
    static Map<String, String> merge(
            String client,
            Map<String, String> defaults,
            Map<String, String> user,
            Map<String, String> owned) {
        Map<String, String> merged = new LinkedHashMap<>(defaults);
        merged.putAll(user);
        owned.forEach(
                (key, value) -> {
                    String asked = user.get(key);
                    if (asked != null && !asked.equals(value)) {
                        LOG.warn(
                                "{}: {}={} replaced by {}={}: the pipeline needs it",
                                client,
                                key,
                                StreamJobOptions.isSecret(key) ? "******" : asked,
                                key,
                                value);
                    }
                    merged.put(key, value);
                });
        return merged;
    }
}
