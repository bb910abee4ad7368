package io.mqpool.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.mqpool.amqp.NamedThreadFactory;
import io.mqpool.producer.JobOptions;
import io.mqpool.producer.TaskFailedException;
import io.mqpool.task.Task;
import io.mqpool.task.TaskRef;
import io.mqpool.worker.WorkerExit;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BrokerModeIT {
    static final TaskRef<Integer, Integer> SLOW_SQUARE = TaskRef.of("slow_square", Integer.class, Integer.class);
    static final TaskRef<String, Integer> WORD_COUNT = TaskRef.of("word_count", String.class, Integer.class);
    static final Duration WAIT = Duration.ofSeconds(60);

    /** Runs of each item of slow_square, counted across workers. */
    static final Map<Integer, AtomicInteger> RUNS = new ConcurrentHashMap<>();
    /** Holds every run of slow_square until the test has killed a worker, so that the kill always lands mid-task. */
    static final CountDownLatch KILLED = new CountDownLatch(1);
    static final ExecutorService CALLER = Executors.newSingleThreadExecutor(new NamedThreadFactory("test-caller", true));

    @RegisterExtension
    static final BrokerMode broker = BrokerMode.of(
                    Task.of(SLOW_SQUARE, (n, ctx) -> {
                        RUNS.computeIfAbsent(n, k -> new AtomicInteger()).incrementAndGet();
                        KILLED.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                        return n * n;
                    }),
                    Task.of(WORD_COUNT, (text, ctx) -> text.trim().split("\\s+").length))
            .configureWorker(w -> w.concurrency(2));

    @AfterAll
    static void stopCaller() {
        CALLER.shutdownNow();
    }

    @Test
    void mapsOnARealBrokerWithAnEmbeddedWorker() throws Exception {
        assertThat(broker.pool().map(WORD_COUNT, List.of("a b", "c"))).containsExactly(2, 1);
        assertThat(broker.pool().submit(WORD_COUNT, "x y z").get(30, TimeUnit.SECONDS)).isEqualTo(3);
        assertThatThrownBy(() -> broker.pool().map("word_count", List.of(1, 2), Integer.class))
                .isInstanceOf(TaskFailedException.class).hasMessageContaining("BAD_ARGUMENTS");
        broker.awaitIdle(WAIT);
        assertThat(broker.worker().inFlight()).isZero();
    }

    @Test
    void aWorkerKilledMidTaskLosesNothingAndAnswersEachItemOnce() throws Exception {
        List<Integer> items = IntStream.rangeClosed(1, 20).boxed().toList();
        var killed = broker.worker();
        CompletableFuture<List<Integer>> squares = CompletableFuture.supplyAsync(
                () -> broker.pool().map(SLOW_SQUARE, items, JobOptions.DEFAULTS.withChunkSize(1)), CALLER);
        broker.awaitBusy(WAIT);
        await().atMost(WAIT).until(() -> !RUNS.isEmpty());  // a task has begun
        broker.killWorker();
        KILLED.countDown();

        assertThat(killed.terminated().toCompletableFuture().get(30, TimeUnit.SECONDS).reason())
                .isEqualTo(WorkerExit.Reason.ABORTED);
        assertThat(broker.worker()).isNotSameAs(killed);
        assertThat(squares.get(60, TimeUnit.SECONDS)).containsExactlyElementsOf(items.stream().map(n -> n * n).toList());
        // Killed mid-task: what the dead worker held ran again on the new one.
        assertThat(RUNS.values().stream().mapToInt(AtomicInteger::get).sum()).isGreaterThan(items.size());
        broker.awaitIdle(WAIT);
    }

    @Test
    void aKitThatHasNotStartedSaysHowToStartIt() {
        BrokerMode unstarted = BrokerMode.of(Task.of(WORD_COUNT, (text, ctx) -> 1));
        assertThatThrownBy(unstarted::pool).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("@RegisterExtension");
    }
}
