package io.ocellus.pipeline.testutils;

import io.ocellus.pipeline.kafka.KafkaCodec;
import io.ocellus.pipeline.tools.EmbeddedKafkaBroker;
import io.ocellus.pipeline.tools.FrameClients;
import io.ocellus.schemas.serde.WireFormat;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;

/** The records of a job's output topic, in the single-object layout, read committed. */
public final class Results {
    private Results() {}

    /**
     * The records of {@code topic}: read until {@code expected} have come and the topic has been
     * quiet for 2 s, or {@code timeout} has passed.
     */
    public static <T extends SpecificRecord> List<T> read(
            EmbeddedKafkaBroker kafka, String topic, Class<T> type, int expected, Duration timeout)
            throws IOException {
        return FrameClients.readCommitted(
                kafka.bootstrapServers(),
                topic,
                type,
                KafkaCodec.Settings.of(WireFormat.SINGLE_OBJECT),
                expected,
                Duration.ofSeconds(2),
                timeout);
    }
}
