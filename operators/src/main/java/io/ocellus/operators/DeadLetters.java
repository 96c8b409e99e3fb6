package io.ocellus.operators;

import io.ocellus.models.image.ImageDecodingException;
import io.ocellus.schemas.DeadLetter;
import io.ocellus.schemas.FrameRef;
import io.ocellus.schemas.ImageFrame;
import io.ocellus.schemas.ReasonCode;
import io.ocellus.schemas.Stage;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.util.OutputTag;

/**
 * The dead-letter side output every operator writes to, and how its records are made. A frame that
 * cannot be processed becomes one {@link DeadLetter} with the stage, a stable reason code, a
 * message and, when small enough, the original bytes; it never fails the job.
 */
public final class DeadLetters {
    /** The side output, shared by all stages. */
    public static final OutputTag<DeadLetter> TAG =
            new OutputTag<>("dead-letters", TypeInformation.of(DeadLetter.class));

    /**
     * Original images up to this size travel inside the dead letter: with the message, ids and URI
     * capped below, a dead letter stays under Kafka's default record limit ({@code
     * max.message.bytes} 1,048,588 bytes), so no input can make one that its topic refuses.
     */
    public static final int MAX_ORIGINAL_BYTES = 1_000_000;

    /** A dead letter's message is cut to this many characters. */
    public static final int MAX_MESSAGE_CHARS = 4096;

    /** A longer claim-check URI is not carried as {@code originalUri}. */
    public static final int MAX_URI_CHARS = 8192;

    /** Source and frame ids of a dead letter are cut to this many characters. */
    public static final int MAX_ID_CHARS = 1024;

    private DeadLetters() {}

    /** The attribute holding a frame's W3C traceparent (its input record's header). */
    public static final String TRACEPARENT = "traceparent";

    /** The attribute holding a frame's W3C tracestate. */
    public static final String TRACESTATE = "tracestate";

    /** The attribute holding the timestamp (epoch ms) of the Kafka record a frame arrived in. */
    public static final String KAFKA_TIMESTAMP = "kafka-timestamp";

    /** The attributes holding the topic, partition and offset of a frame's Kafka record. */
    public static final String KAFKA_TOPIC = "kafka-topic";

    public static final String KAFKA_PARTITION = "kafka-partition";

    public static final String KAFKA_OFFSET = "kafka-offset";

    /** The reason code of a decoding failure. */
    public static ReasonCode reasonOf(ImageDecodingException.Reason reason) {
        return switch (reason) {
            case EMPTY -> ReasonCode.EMPTY;
            case UNSUPPORTED_FORMAT -> ReasonCode.UNSUPPORTED_FORMAT;
            case TOO_LARGE -> ReasonCode.TOO_LARGE;
            case UNDECODABLE -> ReasonCode.UNDECODABLE;
        };
    }

    /** The reference of a frame, with its trace context and Kafka timestamp when it has them. */
    public static FrameRef ref(ImageFrame frame) {
        Map<? extends CharSequence, ? extends CharSequence> attributes = frame.getAttributes();
        String kafkaTimestamp = attribute(attributes, KAFKA_TIMESTAMP);
        Instant kafkaTime = null;
        if (kafkaTimestamp != null) {
            try {
                kafkaTime = Instant.ofEpochMilli(Long.parseLong(kafkaTimestamp.trim()));
            } catch (NumberFormatException e) {
                kafkaTime = null; // a producer's own attribute of that name: not ours
            }
        }
        return FrameRef.newBuilder()
                .setSourceId(frame.getSourceId())
                .setFrameId(frame.getFrameId())
                .setEventTime(frame.getEventTime())
                .setKafkaTimestamp(kafkaTime)
                .setTraceParent(attribute(attributes, TRACEPARENT))
                .setTraceState(attribute(attributes, TRACESTATE))
                .build();
    }

    /**
     * An attribute's value, or null. Keys are compared as text: after Avro decoding between tasks
     * they may be Avro's own {@code Utf8}, which never equals a {@code String}.
     */
    public static String attribute(
            Map<? extends CharSequence, ? extends CharSequence> attributes, String name) {
        if (attributes == null) {
            return null;
        }
        for (Map.Entry<? extends CharSequence, ? extends CharSequence> entry :
                attributes.entrySet()) {
            if (entry.getKey().toString().equals(name)) {
                return entry.getValue() == null ? null : entry.getValue().toString();
            }
        }
        return null;
    }

    /** A dead letter for a frame, carrying its image when it is small enough. */
    public static DeadLetter of(
            ImageFrame frame, Stage stage, ReasonCode reasonCode, String message) {
        ByteBuffer image = frame.getImage();
        boolean carry = image != null && image.remaining() <= MAX_ORIGINAL_BYTES;
        String uri = frame.getClaimCheck() == null ? null : frame.getClaimCheck().getUri();
        if (uri != null && uri.length() > MAX_URI_CHARS) {
            message = message + " (its claim check of " + uri.length() + " characters not kept)";
            uri = null;
        }
        FrameRef ref = ref(frame);
        ref.setSourceId(cut(ref.getSourceId(), MAX_ID_CHARS));
        ref.setFrameId(cut(ref.getFrameId(), MAX_ID_CHARS));
        Map<? extends CharSequence, ? extends CharSequence> attributes = frame.getAttributes();
        return DeadLetter.newBuilder()
                .setFrame(ref)
                .setStage(stage)
                .setReasonCode(reasonCode.name())
                .setMessage(cut(message, MAX_MESSAGE_CHARS))
                .setOriginal(carry ? image.duplicate() : null)
                .setOriginalUri(uri)
                // Where the frame can be read again, when it came from Kafka: the replay handle
                // of a frame too large to carry and not claim-checked.
                .setTopic(cut(attribute(attributes, KAFKA_TOPIC), MAX_ID_CHARS))
                .setPartition(number(attribute(attributes, KAFKA_PARTITION), Integer::valueOf))
                .setOffset(number(attribute(attributes, KAFKA_OFFSET), Long::valueOf))
                .build();
    }

    private static <T> T number(String text, java.util.function.Function<String, T> parse) {
        try {
            return text == null ? null : parse.apply(text.trim());
        } catch (NumberFormatException e) {
            return null; // not one of ours
        }
    }

    /**
     * The text, cut to {@code max} characters with a note of how many were left out; null stays
     * null.
     */
    public static String cut(String text, int max) {
        if (text == null || text.length() <= max) {
            return text;
        }
        String note = String.format(Locale.ROOT, "... (%d more characters)", text.length() - max);
        return text.substring(0, Math.max(0, max - note.length())) + note;
    }

    /** A dead letter for a frame known only by its reference. */
    public static DeadLetter of(
            FrameRef frame, Stage stage, ReasonCode reasonCode, String message) {
        return DeadLetter.newBuilder()
                .setFrame(frame)
                .setStage(stage)
                .setReasonCode(reasonCode.name())
                .setMessage(cut(message, MAX_MESSAGE_CHARS))
                .build();
    }
}
