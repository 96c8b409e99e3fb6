package io.ocellus.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocellus.schemas.serde.AvroCodec;
import io.ocellus.schemas.serde.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.junit.jupiter.api.Test;

/**
 * Guards schema evolution. Every released version of every schema stays readable by the current
 * classes and can read what they write; and the rule the project evolves by (add fields only as
 * optional, with a default) is shown to hold both ways on real bytes.
 */
class SchemaEvolutionTest {
    /**
     * Snapshots of the schemas: 0.1.0 as first published, 0.2.0 when the detector's {@code
     * Detections} (and the geo estimate) joined. A schema is checked against every snapshot that
     * holds it.
     */
    private static final List<String> RELEASES = List.of("0.1.0", "0.2.0");

    private static final Map<String, Schema> CURRENT =
            Map.of(
                    "ImageFrame", ImageFrame.getClassSchema(),
                    "Classification", Classification.getClassSchema(),
                    "Embedding", Embedding.getClassSchema(),
                    "DetectionFeatures", DetectionFeatures.getClassSchema(),
                    "DeadLetter", DeadLetter.getClassSchema(),
                    "Detections", Detections.getClassSchema(),
                    "GeoEstimate", GeoEstimate.getClassSchema());

    @Test
    void currentSchemasReadAndAreReadByEveryRelease() throws Exception {
        for (String release : RELEASES) {
            Schema.Parser parser = new Schema.Parser();
            for (String shared :
                    List.of(
                            "FrameRef",
                            "ClaimCheck",
                            "ScoredLabel",
                            "Timings",
                            "FeatureMap",
                            "GeoNeighbour")) {
                if (exists(release, shared)) {
                    parse(parser, release, shared);
                }
            }
            for (Map.Entry<String, Schema> current : CURRENT.entrySet()) {
                if (!exists(release, current.getKey())) {
                    continue; // not yet in that release
                }
                Schema old = parse(parser, release, current.getKey());
                assertMutuallyCompatible(release + " " + current.getKey(), old, current.getValue());
            }
        }
    }

    @Test
    void anOptionalFieldWithADefaultIsReadableBothWays() throws Exception {
        Schema v1 = ImageFrame.getClassSchema();
        Schema v2 = withOptionalField(v1, "deviceModel");
        assertMutuallyCompatible("ImageFrame + deviceModel", v1, v2);

        ImageFrame frame = frame();
        byte[] writtenByV1 = AvroCodec.of(ImageFrame.class, WireFormat.BINARY).encode(frame);
        GenericRecord readByV2 = read(writtenByV1, v1, v2);
        assertThat(readByV2.get("frameId").toString()).isEqualTo("f-1");
        assertThat(readByV2.get("deviceModel")).isNull();

        GenericRecord newer = new GenericData.Record(v2);
        v1.getFields().forEach(field -> newer.put(field.name(), readByV2.get(field.name())));
        newer.put("deviceModel", "pixel-9");
        GenericRecord readByV1 = read(write(newer, v2), v2, v1);
        assertThat(readByV1.get("frameId").toString()).isEqualTo("f-1");
        assertThat(readByV1.getSchema().getField("deviceModel")).isNull();
    }

    @Test
    void aRequiredNewFieldWouldBreakOldData() {
        Schema v1 = ImageFrame.getClassSchema();
        Schema withRequired = withField(v1, "deviceModel", Schema.create(Schema.Type.STRING), null);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(withRequired, v1).getType())
                .isEqualTo(SchemaCompatibilityType.INCOMPATIBLE);
    }

    static ImageFrame frame() {
        return ImageFrame.newBuilder()
                .setSourceId("camera-7")
                .setFrameId("f-1")
                .setEventTime(Instant.ofEpochMilli(1_700_000_000_000L))
                .setContentType("image/jpeg")
                .setImage(java.nio.ByteBuffer.wrap(new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2}))
                .setLatitude(48.85)
                .setLongitude(2.35)
                .setAttributes(Map.of("lens", "wide"))
                .build();
    }

    private static void assertMutuallyCompatible(String what, Schema a, Schema b) {
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(a, b).getType())
                .as("%s: old reads new", what)
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
        assertThat(SchemaCompatibility.checkReaderWriterCompatibility(b, a).getType())
                .as("%s: new reads old", what)
                .isEqualTo(SchemaCompatibilityType.COMPATIBLE);
    }

    private static boolean exists(String release, String name) {
        return SchemaEvolutionTest.class.getResource(
                        "/schema-history/" + release + "/" + name + ".avsc")
                != null;
    }

    private static Schema parse(Schema.Parser parser, String release, String name)
            throws Exception {
        String resource = "/schema-history/" + release + "/" + name + ".avsc";
        try (InputStream in = SchemaEvolutionTest.class.getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return parser.parse(in);
        }
    }

    private static Schema withOptionalField(Schema schema, String name) {
        Schema optional =
                Schema.createUnion(
                        Schema.create(Schema.Type.NULL), Schema.create(Schema.Type.STRING));
        return withField(schema, name, optional, Schema.Field.NULL_DEFAULT_VALUE);
    }

    private static Schema withField(Schema schema, String name, Schema type, Object defaultValue) {
        List<Schema.Field> fields =
                new java.util.ArrayList<>(
                        schema.getFields().stream()
                                .map(f -> new Schema.Field(f, f.schema()))
                                .toList());
        fields.add(new Schema.Field(name, type, null, defaultValue));
        return Schema.createRecord(
                schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    }

    private static byte[] write(GenericRecord record, Schema schema) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }

    private static GenericRecord read(byte[] bytes, Schema writer, Schema reader) throws Exception {
        return new GenericDatumReader<GenericRecord>(writer, reader)
                .read(null, DecoderFactory.get().binaryDecoder(bytes, null));
    }
}
