package io.ocellus.operators;

import io.ocellus.schemas.DeadLetter;
import io.ocellus.schemas.FrameRef;
import io.ocellus.schemas.ImageFrame;
import io.ocellus.schemas.ReasonCode;
import io.ocellus.schemas.Stage;
import java.nio.ByteBuffer;
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

    /** Original images up to this size travel inside the dead letter. */
    public static final int MAX_ORIGINAL_BYTES = 1 << 20;

    private DeadLetters() {}

    /** The reference of a frame. */
    public static FrameRef ref(ImageFrame frame) {
        return new FrameRef(frame.getSourceId(), frame.getFrameId(), frame.getEventTime());
    }

    /** A dead letter for a frame, carrying its image when it is small enough. */
    public static DeadLetter of(
            ImageFrame frame, Stage stage, ReasonCode reasonCode, String message) {
        ByteBuffer image = frame.getImage();
        boolean carry = image != null && image.remaining() <= MAX_ORIGINAL_BYTES;
        return DeadLetter.newBuilder()
                .setFrame(ref(frame))
                .setStage(stage)
                .setReasonCode(reasonCode.name())
                .setMessage(message)
                .setOriginal(carry ? image.duplicate() : null)
                .setOriginalUri(
                        frame.getClaimCheck() == null ? null : frame.getClaimCheck().getUri())
                .build();
    }

    /** A dead letter for a frame known only by its reference. */
    public static DeadLetter of(
            FrameRef frame, Stage stage, ReasonCode reasonCode, String message) {
        return DeadLetter.newBuilder()
                .setFrame(frame)
                .setStage(stage)
                .setReasonCode(reasonCode.name())
                .setMessage(message)
                .build();
    }
}
