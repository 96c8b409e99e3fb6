package io.ocellus.models.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ocellus.models.io.ModelSignature;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SharedPredictorFactoryTest {
    private static final AtomicInteger OPENED = new AtomicInteger();
    private static final AtomicInteger CLOSED = new AtomicInteger();

    /** Equal for equal names, like two copies of one job's factory in two slots. */
    private record Counting(String name) implements PredictorFactory {
        @Override
        public Predictor open() {
            OPENED.incrementAndGet();
            return new Predictor() {
                @Override
                public ModelSignature signature() {
                    return null;
                }

                @Override
                public Preprocessing preprocessing() {
                    return Preprocessing.STRETCH;
                }

                @Override
                public List<Prediction> infer(List<RgbImage> images, Outputs outputs) {
                    return List.of();
                }

                @Override
                public List<Prediction> inferPreprocessed(
                        float[] batch, int count, Outputs outputs) {
                    return List.of();
                }

                @Override
                public void close() {
                    CLOSED.incrementAndGet();
                }
            };
        }
    }

    @Test
    void opensOnePredictorForEqualFactoriesAndClosesItWithTheLastHandle() throws Exception {
        int opened = OPENED.get();
        int closed = CLOSED.get();
        SharedPredictorFactory slotA = new SharedPredictorFactory(new Counting("a"));
        SharedPredictorFactory slotB = new SharedPredictorFactory(new Counting("a"));
        Predictor first = slotA.open();
        Predictor second = slotB.open();
        assertThat(OPENED.get() - opened).isEqualTo(1);
        assertThat(SharedPredictorFactory.users(new Counting("a"))).isEqualTo(2);

        int openBefore = SharedPredictorFactory.openCount();
        Predictor other = new SharedPredictorFactory(new Counting("b")).open();
        assertThat(OPENED.get() - opened).as("another model opens its own").isEqualTo(2);
        assertThat(SharedPredictorFactory.openCount()).isEqualTo(openBefore + 1);

        first.close();
        first.close(); // a second close releases nothing more
        assertThat(CLOSED.get() - closed).isZero();
        assertThat(second.preprocessing()).isEqualTo(Preprocessing.STRETCH);
        assertThatThrownBy(first::preprocessing).isInstanceOf(IllegalStateException.class);

        second.close();
        assertThat(CLOSED.get() - closed).isEqualTo(1);
        assertThat(SharedPredictorFactory.users(new Counting("a"))).isZero();
        other.close();
        assertThat(CLOSED.get() - closed).isEqualTo(2);

        slotA.open().close(); // reopens after the last close
        assertThat(OPENED.get() - opened).isEqualTo(3);
    }
}
