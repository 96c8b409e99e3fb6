package io.ocellus.schemas.serde;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;

/**
 * Encodes and decodes one generated Avro record class in a {@link WireFormat}.
 *
 * <pre>{@code
 * AvroCodec<ImageFrame> codec = AvroCodec.of(ImageFrame.class, WireFormat.SINGLE_OBJECT);
 * byte[] bytes = codec.encode(frame);
 * ImageFrame back = codec.decode(bytes);
 * }</pre>
 *
 * <p>Serializable (only the class, format and older writer schemas travel); the Avro readers and
 * writers are created on first use. Not thread-safe: give each task its own codec.
 *
 * @param <T> the generated record class
 */
public final class AvroCodec<T extends SpecificRecord> implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Class<T> type;
    private final WireFormat format;
    private final List<String> olderSchemas;

    private transient Schema schema;
    private transient SpecificDatumWriter<T> writer;
    private transient SpecificDatumReader<T> reader;
    private transient BinaryMessageEncoder<T> messageEncoder;
    private transient BinaryMessageDecoder<T> messageDecoder;
    private transient ByteArrayOutputStream buffer;
    private transient BinaryEncoder encoder;
    private transient BinaryDecoder decoder;

    private AvroCodec(Class<T> type, WireFormat format, List<String> olderSchemas) {
        this.type = type;
        this.format = format;
        this.olderSchemas = List.copyOf(olderSchemas);
    }

    /** A codec writing and reading {@code type}'s current schema. */
    public static <T extends SpecificRecord> AvroCodec<T> of(Class<T> type, WireFormat format) {
        if (format == WireFormat.REGISTRY) {
            throw new IllegalArgumentException(
                    "the registry wire format needs a schema registry client, not a plain codec");
        }
        return new AvroCodec<>(type, format, List.of());
    }

    /**
     * A single-object codec that also reads records written with older versions of the schema (JSON
     * texts), resolved to the current one. Binary codecs cannot tell versions apart.
     */
    public static <T extends SpecificRecord> AvroCodec<T> readingOlder(
            Class<T> type, List<String> olderSchemas) {
        return new AvroCodec<>(type, WireFormat.SINGLE_OBJECT, olderSchemas);
    }

    public WireFormat format() {
        return format;
    }

    /** The record's bytes. */
    public byte[] encode(T record) {
        init();
        try {
            if (format == WireFormat.SINGLE_OBJECT) {
                return messageEncoder.encode(record).array();
            }
            buffer.reset();
            encoder = EncoderFactory.get().directBinaryEncoder(buffer, encoder);
            writer.write(record, encoder);
            encoder.flush();
            return buffer.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + type.getSimpleName(), e);
        }
    }

    /**
     * The record in {@code bytes}.
     *
     * @throws IOException when the bytes are not a record of this type in this format (truncated,
     *     unknown schema fingerprint, garbage)
     */
    public T decode(byte[] bytes) throws IOException {
        init();
        try {
            if (format == WireFormat.SINGLE_OBJECT) {
                return messageDecoder.decode(bytes);
            }
            decoder = DecoderFactory.get().binaryDecoder(bytes, decoder);
            T record = reader.read(null, decoder);
            if (!decoder.isEnd()) {
                throw new IOException(
                        String.format(
                                "trailing bytes after a %s record of %d bytes",
                                type.getSimpleName(), bytes.length));
            }
            return record;
        } catch (AvroRuntimeException | IndexOutOfBoundsException | NegativeArraySizeException e) {
            throw new IOException(
                    String.format(
                            "not a %s in %s: %s", type.getSimpleName(), format, e.getMessage()),
                    e);
        }
    }

    private void init() {
        if (schema != null) {
            return;
        }
        schema = SpecificData.get().getSchema(type);
        writer = new SpecificDatumWriter<>(schema);
        reader = new SpecificDatumReader<>(schema);
        messageEncoder = new BinaryMessageEncoder<>(SpecificData.get(), schema);
        messageDecoder = new BinaryMessageDecoder<>(SpecificData.get(), schema);
        for (String older : olderSchemas) {
            messageDecoder.addSchema(new Schema.Parser().parse(older));
        }
        buffer = new ByteArrayOutputStream(256);
    }
}
