package io.ocellus.pipeline.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.ocellus.models.ModelException;
import io.ocellus.models.inference.Predictor;
import io.ocellus.models.inference.PredictorFactory;
import io.ocellus.models.inference.SharedPredictorFactory;
import java.lang.reflect.Proxy;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EnginePrestartTest {
    private static final Map<String, AtomicInteger> OPENED = new ConcurrentHashMap<>();
    private static final Map<String, AtomicInteger> CLOSED = new ConcurrentHashMap<>();

    private static int opened(String name) {
        return OPENED.computeIfAbsent(name, n -> new AtomicInteger()).get();
    }

    private static int closed(String name) {
        return CLOSED.computeIfAbsent(name, n -> new AtomicInteger()).get();
    }

    /** Equal for equal names, as a job's factory is to its copies in the tasks; slow to open. */
    private record Counting(String name, boolean failing) implements PredictorFactory {
        @Override
        public Predictor open() throws ModelException {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (failing) {
                throw new ModelException("no such model: " + name);
            }
            OPENED.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
            // Only close matters here: a proxy counts it and answers nothing else.
            return (Predictor)
                    Proxy.newProxyInstance(
                            Predictor.class.getClassLoader(),
                            new Class<?>[] {Predictor.class},
                            (proxy, method, args) -> {
                                switch (method.getName()) {
                                    case "close" ->
                                            CLOSED.computeIfAbsent(name, n -> new AtomicInteger())
                                                    .incrementAndGet();
                                    case "equals" -> {
                                        return proxy == args[0];
                                    }
                                    case "hashCode" -> {
                                        return System.identityHashCode(proxy);
                                    }
                                    default -> {
                                        return null;
                                    }
                                }
                                return null;
                            });
        }
    }

    @Test
    void theTasksFindTheSharedEngineOpenAndTheLastReleaseClosesIt() throws Exception {
        Counting model = new Counting("prestarted", false);
        Counting perSlot = new Counting("per-slot", false);
        EnginePrestart prestart =
                EnginePrestart.start(new SharedPredictorFactory(model), null, perSlot);
        // A task's copy of the factory: it waits for an opening under way and shares it.
        Predictor task = new SharedPredictorFactory(new Counting("prestarted", false)).open();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (SharedPredictorFactory.users(model) < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10); // the prestart's thread may not have reached its open yet
        }
        assertThat(SharedPredictorFactory.users(model)).isEqualTo(2);
        assertThat(opened("prestarted")).isEqualTo(1);
        assertThat(opened("per-slot")).as("an engine per slot is the tasks' own").isZero();

        task.close();
        assertThat(closed("prestarted")).as("the prestart still holds it").isZero();
        prestart.close();
        assertThat(closed("prestarted")).isEqualTo(1);
        assertThat(SharedPredictorFactory.users(model)).isZero();
        prestart.close(); // twice is harmless
        assertThat(closed("prestarted")).isEqualTo(1);
    }

    @Test
    void aJobThatEndsBeforeItsTasksOpenCloses() {
        Counting model = new Counting("unused", false);
        EnginePrestart.start(new SharedPredictorFactory(model)).close();
        assertThat(opened("unused")).isEqualTo(1);
        assertThat(closed("unused")).isEqualTo(1);
        assertThat(SharedPredictorFactory.users(model)).isZero();
    }

    @Test
    void anEngineThatCannotOpenIsLeftToTheTasks() {
        Counting broken = new Counting("broken", true);
        EnginePrestart prestart = EnginePrestart.start(new SharedPredictorFactory(broken));
        prestart.close(); // no exception: the tasks' open fails and fails the job
        assertThat(SharedPredictorFactory.users(broken)).isZero();
    }

    @Test
    void enginesPerSlotOrNoneStartNothing() {
        assertThat(EnginePrestart.start(new Counting("alone", false), null))
                .isSameAs(EnginePrestart.NONE);
        assertThat(EnginePrestart.start()).isSameAs(EnginePrestart.NONE);
    }
}
