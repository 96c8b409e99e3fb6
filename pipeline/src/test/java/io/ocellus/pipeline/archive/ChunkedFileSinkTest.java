package io.ocellus.pipeline.archive;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocellus.schemas.DeadLetter;
import io.ocellus.schemas.FrameRef;
import io.ocellus.schemas.Stage;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.TaskInfoImpl;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rows land in whole, visible chunks; what a crash leaves is hidden and costs one chunk. */
class ChunkedFileSinkTest {
    @TempDir Path dir;

    private static DeadLetter letter(int i) {
        return DeadLetter.newBuilder()
                .setFrame(
                        FrameRef.newBuilder()
                                .setSourceId("cam")
                                .setFrameId("f" + i)
                                .setEventTime(Instant.EPOCH)
                                .build())
                .setStage(Stage.DECODE)
                .setReasonCode("UNDECODABLE")
                .setMessage("frame " + i)
                .build();
    }

    /** The one thing a writer asks its context: which subtask it is. */
    private static WriterInitContext subtask(int index) {
        TaskInfoImpl info = new TaskInfoImpl("sink", 4, index, 4, 0);
        return (WriterInitContext)
                Proxy.newProxyInstance(
                        WriterInitContext.class.getClassLoader(),
                        new Class<?>[] {WriterInitContext.class},
                        (proxy, method, args) -> {
                            if (method.getName().equals("getTaskInfo")) {
                                return info;
                            }
                            throw new UnsupportedOperationException(method.getName());
                        });
    }

    private ChunkedFileSink<DeadLetter> sink(RowFormat format) {
        return new ChunkedFileSink<>(
                dir.toUri().toString(),
                format,
                "run1",
                "d",
                List.of(ResultsDir.DEAD_LETTERS),
                (letter, out) -> out.accept(ResultsDir.DEAD_LETTERS, letter),
                2,
                Long.MAX_VALUE);
    }

    private List<String> files() throws Exception {
        try (Stream<Path> walk = Files.list(dir.resolve(ResultsDir.DEAD_LETTERS))) {
            return walk.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private List<String> committedFrameIds() throws Exception {
        List<String> ids = new ArrayList<>();
        new ResultsDir(dir.toUri().toString())
                .forEach(
                        ResultsDir.DEAD_LETTERS,
                        DeadLetter.class,
                        l -> ids.add(l.getFrame().getFrameId()));
        return ids;
    }

    @Test
    void commitsAChunkEveryChunkRowsAndTheRestAtTheEnd() throws Exception {
        for (RowFormat format : RowFormat.values()) {
            try (SinkWriter<DeadLetter> writer = sink(format).createWriter(subtask(3))) {
                for (int i = 0; i < 5; i++) {
                    writer.write(letter(i), null);
                }
                writer.flush(true);
            }
            assertThat(files())
                    .filteredOn(n -> n.endsWith(format.extension()))
                    .containsExactly(
                            "part-run1-d3-00000." + format.extension(),
                            "part-run1-d3-00001." + format.extension(),
                            "part-run1-d3-00002." + format.extension());
            assertThat(files()).noneMatch(n -> n.startsWith("."));
            assertThat(committedFrameIds()).containsExactly("f0", "f1", "f2", "f3", "f4");
            try (Stream<Path> old = Files.list(dir.resolve(ResultsDir.DEAD_LETTERS))) {
                for (Path file : old.toList()) {
                    Files.delete(file);
                }
            }
        }
    }

    @Test
    void aWriterClosedWithoutCommittingLeavesOnlyHiddenFiles() throws Exception {
        SinkWriter<DeadLetter> writer = sink(RowFormat.JSONL).createWriter(subtask(0));
        writer.write(letter(0), null);
        writer.write(letter(1), null);
        writer.write(letter(2), null);
        writer.close(); // a failure: no flush at end of input
        assertThat(committedFrameIds()).containsExactly("f0", "f1");
        assertThat(files()).contains(".part-run1-d0-00001.jsonl.inprogress");
    }
}
