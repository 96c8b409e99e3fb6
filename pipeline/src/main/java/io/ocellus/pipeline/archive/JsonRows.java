package io.ocellus.pipeline.archive;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;

/**
 * Avro records as plain JSON, one object per line, and back: records are objects, nullable fields
 * are the value or {@code null} (no union wrappers), enums are their names, bytes are Base64,
 * timestamps are ISO-8601 strings. Readable by any JSON tool, and read back into the same records.
 */
public final class JsonRows {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonRows() {}

    /** The record as one line of JSON, without the newline. */
    public static String line(IndexedRecord record) {
        return toJson(record, record.getSchema()).toString();
    }

    /** A line written by {@link #line} read back as a {@code type} record. */
    public static <T extends SpecificRecord> T parse(String line, Class<T> type)
            throws IOException {
        Schema schema = org.apache.avro.specific.SpecificData.get().getSchema(type);
        Object generic = fromJson(JSON.readTree(line), schema);
        // Through Avro's binary form, so that the specific reader applies its logical types.
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
        new GenericDatumWriter<Object>(schema).write(generic, encoder);
        encoder.flush();
        return new SpecificDatumReader<>(type)
                .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
    }

    private static JsonNode toJson(Object value, Schema schema) {
        if (value == null) {
            return NODES.nullNode();
        }
        return switch (schema.getType()) {
            case RECORD -> {
                IndexedRecord record = (IndexedRecord) value;
                ObjectNode object = NODES.objectNode();
                for (Schema.Field field : schema.getFields()) {
                    object.set(field.name(), toJson(record.get(field.pos()), field.schema()));
                }
                yield object;
            }
            case UNION -> {
                int branch = GenericData.get().resolveUnion(schema, value);
                yield toJson(value, schema.getTypes().get(branch));
            }
            case ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                for (Object item : (Iterable<?>) value) {
                    array.add(toJson(item, schema.getElementType()));
                }
                yield array;
            }
            case MAP -> {
                ObjectNode object = NODES.objectNode();
                ((Map<?, ?>) value)
                        .forEach(
                                (k, v) ->
                                        object.set(
                                                String.valueOf(k),
                                                toJson(v, schema.getValueType())));
                yield object;
            }
            case BYTES -> {
                ByteBuffer buffer = ((ByteBuffer) value).duplicate();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                yield NODES.textNode(Base64.getEncoder().encodeToString(bytes));
            }
            case LONG ->
                    isTimestamp(schema)
                            ? NODES.textNode(
                                    (value instanceof Instant instant
                                                    ? instant
                                                    : Instant.ofEpochMilli((Long) value))
                                            .toString())
                            : NODES.numberNode((Long) value);
            case INT -> NODES.numberNode((Integer) value);
            case FLOAT -> number(((Float) value).doubleValue());
            case DOUBLE -> number((Double) value);
            case BOOLEAN -> NODES.booleanNode((Boolean) value);
            case STRING, ENUM -> NODES.textNode(value.toString());
            default ->
                    throw new IllegalArgumentException("unsupported Avro type " + schema.getType());
        };
    }

    private static JsonNode number(double value) {
        return Double.isFinite(value)
                ? NODES.numberNode(value)
                : NODES.textNode(Double.toString(value));
    }

    private static boolean isTimestamp(Schema schema) {
        LogicalType logical = schema.getLogicalType();
        return logical instanceof LogicalTypes.TimestampMillis;
    }

    private static Object fromJson(JsonNode node, Schema schema) {
        if (node == null || node.isNull()) {
            if (schema.getType() == Schema.Type.NULL || schema.isNullable()) {
                return null;
            }
            throw new IllegalArgumentException("null for a non-null " + schema.getType());
        }
        return switch (schema.getType()) {
            case RECORD -> {
                GenericRecord record = new GenericData.Record(schema);
                for (Schema.Field field : schema.getFields()) {
                    JsonNode value = node.get(field.name());
                    record.put(
                            field.pos(),
                            value == null && field.hasDefaultValue()
                                    ? GenericData.get().getDefaultValue(field)
                                    : fromJson(value, field.schema()));
                }
                yield record;
            }
            case UNION -> {
                for (Schema branch : schema.getTypes()) {
                    if (branch.getType() != Schema.Type.NULL) {
                        yield fromJson(node, branch);
                    }
                }
                yield null;
            }
            case ARRAY -> {
                List<Object> items = new ArrayList<>();
                node.forEach(item -> items.add(fromJson(item, schema.getElementType())));
                yield new GenericData.Array<>(schema, items);
            }
            case MAP -> {
                Map<String, Object> map = new HashMap<>();
                node.fields()
                        .forEachRemaining(
                                e ->
                                        map.put(
                                                e.getKey(),
                                                fromJson(e.getValue(), schema.getValueType())));
                yield map;
            }
            case BYTES -> ByteBuffer.wrap(Base64.getDecoder().decode(node.asText()));
            case LONG ->
                    isTimestamp(schema)
                            ? Instant.parse(node.asText()).toEpochMilli()
                            : node.asLong();
            case INT -> node.asInt();
            case FLOAT ->
                    node.isTextual() ? Float.parseFloat(node.asText()) : (float) node.asDouble();
            case DOUBLE -> node.isTextual() ? Double.parseDouble(node.asText()) : node.asDouble();
            case BOOLEAN -> node.asBoolean();
            case STRING -> node.asText();
            case ENUM -> new GenericData.EnumSymbol(schema, node.asText());
            default ->
                    throw new IllegalArgumentException("unsupported Avro type " + schema.getType());
        };
    }
}
