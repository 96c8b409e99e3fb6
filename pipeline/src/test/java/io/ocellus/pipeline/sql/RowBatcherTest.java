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
    /** A classify model's OUTPUT columns: {@code columns}, then {@code error}. */
    private static OutputColumns columns(Column... columns) {
        List<Column> output = new java.util.ArrayList<>(List.of(columns));
        output.add(Column.physical("error", DataTypes.STRING()));
        return OutputColumns.of(
                "classify",
                ResolvedSchema.of(Column.physical("image", DataTypes.BYTES())),
                ResolvedSchema.of(output));
    }

    private static RgbImage parrot() throws Exception {
        return new ImageDecoder(ImageDecoder.DEFAULT_MAX_PIXELS)
                .decode(Samples.pictures().get("parrot.jpg"));
    }

    @Test
    void rowsQueuedWhenTheFunctionClosesAreAnsweredNotCancelled() throws Exception {
        OutputColumns columns = columns(Column.physical("label", DataTypes.STRING()));
        RgbImage parrot = parrot();
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

    @Test
    void aForwardPassThatFailsFailsItsRowsInsteadOfAnsweringThemWithAnError() throws Exception {
        OutputColumns columns = columns();
        RgbImage parrot = parrot();
        try (Predictor real = Samples.engine(0.25, 128).open()) {
            Predictor broken =
                    new Predictor() {
                        @Override
                        public io.ocellus.models.io.ModelSignature signature() {
                            return real.signature();
                        }

                        @Override
                        public io.ocellus.models.inference.Preprocessing preprocessing() {
                            return real.preprocessing();
                        }

                        @Override
                        public List<io.ocellus.models.inference.Prediction> infer(
                                List<RgbImage> images, Outputs outputs)
                                throws io.ocellus.models.InferenceException {
                            throw new io.ocellus.models.InferenceException("session closed");
                        }

                        @Override
                        public List<io.ocellus.models.inference.Prediction> inferPreprocessed(
                                float[] batch, int count, Outputs outputs)
                                throws io.ocellus.models.InferenceException {
                            throw new io.ocellus.models.InferenceException("session closed");
                        }

                        @Override
                        public void close() {}
                    };
            RowBatcher batcher =
                    new RowBatcher(
                            broken,
                            Outputs.classes(1),
                            columns,
                            new MicroBatchOptions(1, Duration.ofMillis(10)));
            CompletableFuture<Collection<RowData>> row = batcher.submit(parrot);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> row.get(10, TimeUnit.SECONDS))
                    .isInstanceOf(java.util.concurrent.ExecutionException.class)
                    .hasRootCauseMessage("session closed")
                    .hasMessageContaining("the task fails so that Flink restores it");
            batcher.close();
        }
    }
}
