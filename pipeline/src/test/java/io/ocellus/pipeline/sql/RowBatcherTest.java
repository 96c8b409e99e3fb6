package io.ocellus.pipeline.sql;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocellus.models.image.ImageDecoder;
import io.ocellus.models.inference.Outputs;
import io.ocellus.models.inference.Predictor;
import io.ocellus.models.inference.RgbImage;
import io.ocellus.operators.batch.MicroBatchOptions;
import io.ocellus.pipeline.testutils.Samples;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.flink.table.api.DataTypes;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.data.RowData;
import org.junit.jupiter.api.Test;

class RowBatcherTest {
    @Test
    void rowsQueuedWhenTheFunctionClosesAreAnsweredNotCancelled() throws Exception {
        OutputColumns columns =
                OutputColumns.of(
                        "classify",
                        ResolvedSchema.of(Column.physical("image", DataTypes.BYTES())),
                        ResolvedSchema.of(
                                Column.physical("label", DataTypes.STRING()),
                                Column.physical("error", DataTypes.STRING())));
        RgbImage parrot =
                new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS)
                        .decode(Samples.pictures().get("parrot.jpg"));
        try (Predictor engine = Samples.engine(0.25, 128).open()) {
            // A batch waits for 8 rows or 5 s: the rows below are still queued at close.
            RowBatcher batcher =
                    new RowBatcher(
                            engine,
                            Outputs.classes(1),
                            columns,
                            new MicroBatchOptions(8, Duration.ofSeconds(5)));
            List<CompletableFuture<Collection<RowData>>> rows = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                rows.add(batcher.submit(parrot));
            }
            batcher.close();
            for (CompletableFuture<Collection<RowData>> row : rows) {
                assertThat(row.isCancelled()).isFalse();
                RowData answer = row.get(1, TimeUnit.SECONDS).iterator().next();
                assertThat(answer.getString(0).toString()).isEqualTo("macaw");
                assertThat(answer.isNullAt(1)).as("no error").isTrue();
            }
        }
    }
}
