package io.ocellus.pipeline.kafka;

import com.microsoft.kiota.ApiException;
import io.apicurio.registry.resolver.config.SchemaResolverConfig;
import io.apicurio.registry.serde.avro.AvroKafkaDeserializer;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.apicurio.registry.serde.avro.AvroSerdeConfig;
import io.apicurio.registry.serde.config.SerdeConfig;
import io.apicurio.registry.serde.kafka.config.KafkaSerdeConfig;
import io.ocellus.schemas.serde.AvroCodec;
import io.ocellus.schemas.serde.WireFormat;
import io.vertx.core.http.HttpClosedException;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes and decodes one Avro record type in Kafka values, in any {@link WireFormat}. For {@link
 * WireFormat#REGISTRY} it uses Apicurio Registry's Kafka serdes: the writer registers the schema
 * (artifact {@code <topic>-value}) and writes its id; the reader fetches the schema by id and
 * resolves it to this version's class. Create one per task with {@link Settings#open}, close it.
 *
 * @param <T> the record class
 */
public abstract class KafkaCodec<T extends SpecificRecord> implements AutoCloseable {

    /**
     * What a task needs to open a codec: the format and, for the registry, its URL and any {@code
     * apicurio.registry.*} settings (authentication, TLS), passed through unchanged.
     *
     * @param format the layout
     * @param registryUrl the registry's API root, {@code http://host:port/apis/registry/v3}; null
     *     unless the format is {@link WireFormat#REGISTRY}
     * @param registryProperties further {@code apicurio.registry.*} settings
     */
    public record Settings(
            WireFormat format, String registryUrl, Map<String, String> registryProperties)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        public Settings {
            if (format == null) {
                throw new IllegalArgumentException("a wire format must be set");
            }
            if (format == WireFormat.REGISTRY && (registryUrl == null || registryUrl.isBlank())) {
                throw new IllegalArgumentException(
                        "the registry wire format needs a registry URL (--registry-url)");
            }
            registryProperties = Map.copyOf(registryProperties);
        }

        /** The prefix of the registry serdes' settings among Kafka client properties. */
        public static final String REGISTRY_PREFIX = "apicurio.registry.";

        /**
         * The settings for {@code format}, taking the {@code apicurio.registry.*} entries of {@code
         * properties}; the URL is used only by the registry format.
         */
        public static Settings from(
                WireFormat format, String registryUrl, Map<String, String> properties) {
            Map<String, String> registry = new HashMap<>(properties);
            registry.keySet().removeIf(key -> !key.startsWith(REGISTRY_PREFIX));
            return new Settings(
                    format, format == WireFormat.REGISTRY ? registryUrl : null, registry);
        }

        /** A format that needs no registry. */
        public static Settings of(WireFormat format) {
            return new Settings(format, null, Map.of());
        }

        /** Opens a codec for {@code type}. */
        public <T extends SpecificRecord> KafkaCodec<T> open(Class<T> type) {
            return format == WireFormat.REGISTRY
                    ? new Registry<>(type, this)
                    : new Plain<>(AvroCodec.of(type, format));
        }
    }

    /** The value for a record written to {@code topic}. */
    public abstract byte[] encode(String topic, T record);

    /**
     * The record in a value read from {@code topic}.
     *
     * @throws IOException when the bytes are not a record of this type in this format: the record
     *     is bad, a dead letter
     * @throws UncheckedIOException when the registry cannot be reached: nothing is wrong with the
     *     record, so the caller should fail and retry rather than dead-letter it
     */
    public abstract T decode(String topic, byte[] value) throws IOException;

    @Override
    public void close() {}

    private static final class Plain<T extends SpecificRecord> extends KafkaCodec<T> {
        private final AvroCodec<T> codec;

        Plain(AvroCodec<T> codec) {
            this.codec = codec;
        }

        @Override
        public byte[] encode(String topic, T record) {
            return codec.encode(record);
        }

        @Override
        public T decode(String topic, byte[] value) throws IOException {
            return codec.decode(value);
        }
    }

    private static final class Registry<T extends SpecificRecord> extends KafkaCodec<T> {
        private final Class<T> type;
        private final AvroKafkaSerializer<T> serializer = new AvroKafkaSerializer<>();
        private final AvroKafkaDeserializer<T> deserializer = new AvroKafkaDeserializer<>();

        Registry(Class<T> type, Settings settings) {
            this.type = type;
            Map<String, Object> config = new HashMap<>(settings.registryProperties());
            config.put(SchemaResolverConfig.REGISTRY_URL, settings.registryUrl());
            config.putIfAbsent(SchemaResolverConfig.AUTO_REGISTER_ARTIFACT, "true");
            // the id in the value (magic byte, 4-byte id), not in Kafka headers
            config.put(KafkaSerdeConfig.ENABLE_HEADERS, "false");
            config.put(AvroSerdeConfig.USE_SPECIFIC_AVRO_READER, "true");
            config.put(SerdeConfig.DESERIALIZER_SPECIFIC_VALUE_RETURN_CLASS, type.getName());
            serializer.configure(config, false);
            deserializer.configure(config, false);
        }

        @Override
        public byte[] encode(String topic, T record) {
            return retryingTransientFailures(() -> serializer.serialize(topic, record));
        }

        @Override
        public T decode(String topic, byte[] value) throws IOException {
            if (value == null || value.length < 5 || value[0] != 0) {
                throw new IOException(
                        "not in the registry layout (byte 0, a 4-byte schema id, the Avro body)");
            }
            Object record;
            try {
                record = retryingTransientFailures(() -> deserializer.deserialize(topic, value));
            } catch (UncheckedIOException unreachable) {
                throw unreachable;
            } catch (RuntimeException e) {
                throw new IOException(
                        "cannot read with the registry's schema: " + rootMessage(e), e);
            }
            if (!type.isInstance(record)) {
                throw new IOException(
                        "the registry's schema is "
                                + (record == null ? "null" : record.getClass().getName())
                                + ", not "
                                + type.getName());
            }
            return type.cast(record);
        }

        private static final int ATTEMPTS = 3;

        /**
         * Runs a registry call, trying again (three tries in all, 0.2 s then 0.8 s apart) when it
         * fails for a reason of the network or the server rather than of the record: the schema
         * could not be fetched, so the record cannot be judged. When the last try fails the same
         * way this throws {@link UncheckedIOException}: the task fails and Flink restarts it from
         * its checkpoint, so the frame is read again instead of being dead-lettered.
         */
        private static <R> R retryingTransientFailures(Supplier<R> call) {
            long pauseMillis = 200;
            for (int attempt = 1; ; attempt++) {
                try {
                    return call.get();
                } catch (RuntimeException e) {
                    if (!transientFailure(e)) {
                        throw e;
                    }
                    if (attempt == ATTEMPTS) {
                        throw new UncheckedIOException(
                                new IOException(
                                        "the schema registry cannot be reached ("
                                                + rootMessage(e)
                                                + ", "
                                                + ATTEMPTS
                                                + " tries)",
                                        e));
                    }
                    sleep(pauseMillis);
                    pauseMillis *= 4;
                }
            }
        }

        /**
         * Whether {@code e} says nothing about the record: the registry could not be reached, the
         * connection was closed or reset under the request, it timed out, or the registry answered
         * with a server error (5xx), 408 or 429. A 404 for an unknown id or an Avro body that does
         * not parse are the record's fault, and are not retried.
         */
        private static boolean transientFailure(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof SocketException // refused (ConnectException), reset, closed
                        || t instanceof UnknownHostException
                        || t instanceof SocketTimeoutException
                        || t instanceof TimeoutException
                        || t instanceof HttpClosedException
                        || t instanceof io.netty.channel.ConnectTimeoutException) {
                    return true;
                }
                if (t instanceof ApiException api) {
                    int status = api.getResponseStatusCode();
                    return status >= 500 || status == 408 || status == 429;
                }
            }
            return false;
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new UncheckedIOException(
                        new IOException("interrupted while waiting for the schema registry"));
            }
        }

        private static String rootMessage(Throwable e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            return root.getClass().getSimpleName() + ": " + root.getMessage();
        }

        @Override
        public void close() {
            serializer.close();
            deserializer.close();
        }
    }
}
