package io.ocellus.operators;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocellus.operators.decode.DecodedFrame;
import io.ocellus.schemas.DeadLetter;
import io.ocellus.schemas.FrameResults;
import io.ocellus.schemas.ImageFrame;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.junit.jupiter.api.Test;

/** Every type that flows between operators has a Flink serializer of its own: no Kryo fallback. */
class TypeInformationTest {
    @Test
    void decodedFramesArePojos() {
        assertThat(TypeInformation.of(DecodedFrame.class)).isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void recordsAreAvroTypes() {
        for (Class<?> type :
                new Class<?>[] {ImageFrame.class, FrameResults.class, DeadLetter.class}) {
            TypeInformation<?> info = TypeInformation.of(type);
            assertThat(info).as(type.getSimpleName()).isInstanceOf(AvroTypeInfo.class);
            assertThat(info).as(type.getSimpleName()).isNotInstanceOf(GenericTypeInfo.class);
        }
    }
}
