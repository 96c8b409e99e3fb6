package io.ocellus.pipeline.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocellus.operators.batch.MicroBatchOptions;
import io.ocellus.operators.decode.DecodeOptions;
import io.ocellus.operators.inference.InferenceTasks;
import io.ocellus.pipeline.testutils.Samples;
import io.ocellus.pipeline.workflow.WorkflowOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The archive job as an application embeds it: {@link ReprocessRun}'s builder, its listener and
 * summary, and a second run into the same folder that resumes instead of redoing.
 */
class ReprocessRunITCase {
    @TempDir Path dir;

    @Test
    void runsAFolderAccountsForEveryEntryAndResumes() throws Exception {
        Path images = Files.createDirectories(dir.resolve("images"));
        int pictures = 0;
        for (Map.Entry<String, byte[]> picture : Samples.pictures().entrySet()) {
            if (pictures++ < 3) {
                Files.write(images.resolve(picture.getKey()), picture.getValue());
            }
        }
        Files.write(images.resolve("broken.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, 1, 2});
        WorkflowOptions workflow =
                new WorkflowOptions(
                        Samples.engine(0.25, 128),
                        new InferenceTasks(3, false, false, false),
                        new MicroBatchOptions(4, Duration.ofMillis(100)),
                        DecodeOptions.defaults());
        Path results = dir.resolve("results");
        List<Long> progress = new ArrayList<>();
        List<ArchivePlan> plans = new ArrayList<>();
        ReprocessRun.Listener listener =
                new ReprocessRun.Listener() {
                    @Override
                    public void planned(ArchivePlan plan) {
                        plans.add(plan);
                    }

                    @Override
                    public void progress(long done) {
                        progress.add(done);
                    }
                };

        ReprocessRun.Summary first = run(images, results, workflow).run(listener);
        assertThat(plans).singleElement().extracting(ArchivePlan::toProcess).isEqualTo(4L);
        assertThat(first.results()).isEqualTo(3);
        assertThat(first.deadLetters()).isEqualTo(Map.of("UNDECODABLE", 1L));
        assertThat(first.accounted()).isTrue();
        assertThat(progress).isNotEmpty().isSorted().last().isEqualTo(4L);

        ReprocessRun.Summary again = run(images, results, workflow).run(ReprocessRun.Listener.NONE);
        assertThat(again.plan().skipped()).isEqualTo(4);
        assertThat(ArchiveReader.skipSetsHeld()).as("the resume's keys do not outlive it").isZero();
        assertThat(again.plan().toProcess()).isZero();
        assertThat(again.results() + again.deadLetterCount()).isZero();
    }

    @Test
    void refusesAResultsFolderInsideAnInput() {
        assertThatThrownBy(
                        () ->
                                ReprocessRun.builder()
                                        .setInputs(List.of(dir.toString()))
                                        .setWorkflow(
                                                new WorkflowOptions(
                                                        Samples.engine(0.25, 128),
                                                        new InferenceTasks(3, false, false, false),
                                                        new MicroBatchOptions(
                                                                4, Duration.ofMillis(100)),
                                                        DecodeOptions.defaults()))
                                        .setKinds(List.of(ResultsDir.CLASSIFICATIONS))
                                        .optResultsFolder(
                                                dir.resolve("out").toString(),
                                                RowFormat.JSONL,
                                                "m",
                                                false)
                                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("inside the input");
    }

    private static ReprocessRun run(Path images, Path results, WorkflowOptions workflow) {
        return ReprocessRun.builder()
                .setInputs(List.of(images.toString()))
                .setWorkflow(workflow)
                .setKinds(List.of(ResultsDir.CLASSIFICATIONS))
                .optResultsFolder(
                        results.toString(), RowFormat.JSONL, "mobilenet_v1_0.25_128", false)
                .optParallelism(1)
                .build();
    }
}
