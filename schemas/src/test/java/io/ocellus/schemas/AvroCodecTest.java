package io.ocellus.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocellus.schemas.serde.AvroCodec;
import io.ocellus.schemas.serde.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class AvroCodecTest {
    @Test
    void roundTripsEveryRecordInBothFormats() throws Exception {
        FrameRef ref =
                FrameRef.newBuilder()
                        .setSourceId("s")
                        .setFrameId("f")
                        .setEventTime(java.time.Instant.EPOCH)
                        .build();
        Classification classification =
                Classification.newBuilder()
                        .setFrame(ref)
                        .setModelId("mobilenet_v1_1.0_224")
                        .setTop(List.of(new ScoredLabel(89, "macaw", 0.99f)))
                        .setTimings(new Timings(1200L, 300L, 8000L, 8))
                        .build();
        DeadLetter deadLetter =
                DeadLetter.newBuilder()
                        .setStage(Stage.DECODE)
                        .setReasonCode("UNDECODABLE")
                        .setMessage("truncated JPEG")
                        .setTopic("frames")
                        .setPartition(3)
                        .setOffset(42L)
                        .setOriginal(ByteBuffer.wrap(new byte[] {1, 2, 3}))
                        .build();
        for (WireFormat format : List.of(WireFormat.BINARY, WireFormat.SINGLE_OBJECT)) {
            assertThat(roundTrip(ImageFrame.class, SchemaEvolutionTest.frame(), format))
                    .isEqualTo(SchemaEvolutionTest.frame());
            assertThat(roundTrip(Classification.class, classification, format))
                    .isEqualTo(classification);
            assertThat(roundTrip(DeadLetter.class, deadLetter, format)).isEqualTo(deadLetter);
        }
        // the registry layout needs a registry client (pipeline)
        assertThatThrownBy(() -> AvroCodec.of(ImageFrame.class, WireFormat.REGISTRY))
                .hasMessageContaining("registry");
    }

    @Test
    void singleObjectBytesCarryTheMarkerAndFingerprint() {
        byte[] bytes =
                AvroCodec.of(ImageFrame.class, WireFormat.SINGLE_OBJECT)
                        .encode(SchemaEvolutionTest.frame());
        assertThat(bytes[0]).isEqualTo((byte) 0xC3);
        assertThat(bytes[1]).isEqualTo((byte) 0x01);
        byte[] plain =
                AvroCodec.of(ImageFrame.class, WireFormat.BINARY)
                        .encode(SchemaEvolutionTest.frame());
        assertThat(bytes).hasSize(plain.length + 10);
    }

    @Test
    void refusesGarbageTruncatedAndForeignBytes() {
        AvroCodec<ImageFrame> binary = AvroCodec.of(ImageFrame.class, WireFormat.BINARY);
        AvroCodec<ImageFrame> single = AvroCodec.of(ImageFrame.class, WireFormat.SINGLE_OBJECT);
        byte[] good = binary.encode(SchemaEvolutionTest.frame());
        byte[] noise = new byte[64];
        new Random(1).nextBytes(noise);
        assertThatThrownBy(() -> binary.decode(Arrays.copyOf(good, good.length / 2)))
                .isInstanceOf(IOException.class);
        assertThatThrownBy(() -> binary.decode(noise)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> single.decode(good)).isInstanceOf(IOException.class);
        byte[] classification =
                AvroCodec.of(DeadLetter.class, WireFormat.SINGLE_OBJECT)
                        .encode(
                                DeadLetter.newBuilder()
                                        .setStage(Stage.DECODE)
                                        .setReasonCode("X")
                                        .setMessage("m")
                                        .build());
        assertThatThrownBy(() -> single.decode(classification)).isInstanceOf(IOException.class);
    }

    @Test
    void travelsAsAJavaObjectAndWorksAfterwards() throws Exception {
        AvroCodec<ImageFrame> codec = AvroCodec.of(ImageFrame.class, WireFormat.SINGLE_OBJECT);
        codec.encode(SchemaEvolutionTest.frame());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(codec);
        }
        try (ObjectInputStream in =
                new ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            @SuppressWarnings("unchecked")
            AvroCodec<ImageFrame> copy = (AvroCodec<ImageFrame>) in.readObject();
            assertThat(copy.decode(codec.encode(SchemaEvolutionTest.frame())))
                    .isEqualTo(SchemaEvolutionTest.frame());
        }
    }

    private static <T extends org.apache.avro.specific.SpecificRecord> T roundTrip(
            Class<T> type, T record, WireFormat format) throws IOException {
        AvroCodec<T> codec = AvroCodec.of(type, format);
        return codec.decode(codec.encode(record));
    }
}
