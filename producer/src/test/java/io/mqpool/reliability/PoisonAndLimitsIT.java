package io.mqpool.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqpool.amqp.NamedThreadFactory;
import io.mqpool.config.ConnectionSettings;
import io.mqpool.producer.JobOptions;
import io.mqpool.producer.Outcome;
import io.mqpool.producer.Pool;
import io.mqpool.producer.PoolSettings;
import io.mqpool.testing.RawClient;
import io.mqpool.testing.TestBroker;
import io.mqpool.testing.WorkerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongUnaryOperator;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Rows C1, C3, C4 and D4 of the reliability matrix: poison tasks, time limits and oversize results. */
@Timeout(240)
class PoisonAndLimitsIT {
    private final String queue = TestBroker.uniqueName("it.poison");
    private final List<WorkerProcess> workers = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        for (WorkerProcess w : workers) {
            w.close();
        }
        try (RawClient client = new RawClient()) {
            client.deleteTaskQueues(queue);
        }
    }

    private WorkerProcess worker(List<String> jvm, String... args) throws Exception {
        WorkerProcess w = WorkerProcess.start(TestBroker.url(), queue, jvm, args);
        workers.add(w);
        w.awaitReady(Duration.ofSeconds(60));
        return w;
    }

    private Pool pool() {
        return Pool.create(PoolSettings.of(ConnectionSettings.of(TestBroker.url())).withQueue(queue));
    }

    /**
     * Keeps {@code count} workers alive until the returned handle closes: a worker that exits is replaced as soon as
     * it has exited.
     */
    private AutoCloseable keepAlive(int count, List<String> jvm, String... args) throws Exception {
        List<WorkerProcess> first = new ArrayList<>();
        for (int k = 0; k < count; k++) {
            first.add(worker(jvm, args));
        }
        ExecutorService restarter = Executors.newSingleThreadExecutor(
                new NamedThreadFactory("it-poison-restarter", true));
        AtomicBoolean stopped = new AtomicBoolean();
        for (WorkerProcess w : first) {
            replaceOnExit(w, restarter, stopped, jvm, args);
        }
        return () -> {
            synchronized (workers) {
                stopped.set(true);
            }
            restarter.shutdownNow();
        };
    }

    private void replaceOnExit(WorkerProcess w, ExecutorService restarter, AtomicBoolean stopped, List<String> jvm,
                               String... args) {
        w.onExit().thenRunAsync(() -> {
            synchronized (workers) {
                if (stopped.get()) {
                    return;
                }
                try {
                    WorkerProcess next = WorkerProcess.start(TestBroker.url(), queue, jvm, args);
                    workers.add(next);
                    replaceOnExit(next, restarter, stopped, jvm, args);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }, restarter);
    }

    private void assertPoisonReported(String task, List<String> jvm, LongUnaryOperator f, String... workerArgs)
            throws Exception {
        long poisonIndex = 500;
        List<Long> input = LongStream.range(0, 1_000).map(i -> i == poisonIndex ? -1 : i).boxed().toList();
        List<String> args = new ArrayList<>(List.of("--delivery-limit", "3"));
        args.addAll(List.of(workerArgs));
        AutoCloseable restarter = keepAlive(2, jvm, args.toArray(String[]::new));
        // The workers declared the queue first, with the delivery limit of 3; the pool uses it as it is.
        long start = System.nanoTime();
        long wallMs;
        List<Outcome<Long>> out;
        try (Pool pool = pool();
             Stream<Outcome<Long>> outcomes = pool.outcomes(task, input.stream()
                     .map(i -> (com.fasterxml.jackson.databind.JsonNode) new com.fasterxml.jackson.databind.ObjectMapper()
                             .createArrayNode().add(i)).iterator(), input.size(), Long.class,
                     JobOptions.DEFAULTS.withChunkSize(1).withTimeout(Duration.ofMinutes(3)), true)) {
            out = outcomes.toList();
            wallMs = (System.nanoTime() - start) / 1_000_000;
            // A worker killed after publishing a result but before its ack leaves a redelivered copy, which goes to
            // the solo queue. Its answer is in, so the job can end first; the workers (still replaced on exit) must
            // then consume it. Stopping them at once could strand it, so the checks below wait for the drain.
            Rows.poll("task and solo queues drained", Duration.ofSeconds(60), Duration.ofMillis(100))
                    .until(() -> drained());
        } finally {
            restarter.close();
        }
        assertThat(out).hasSize(input.size());
        long lost = 0;
        for (int k = 0; k < out.size(); k++) {
            Outcome<Long> o = out.get(k);
            assertThat(o.index()).isEqualTo(k);
            if (k == poisonIndex) {
                assertThat(o.error()).as("poison item").isNotNull();
                assertThat(o.error().code()).isEqualTo("DELIVERY_LIMIT");
            } else {
                assertThat(o.error()).as("item %d", k).isNull();
                assertThat(o.value()).isEqualTo(f.applyAsLong(input.get(k)));
            }
        }
        try (RawClient client = new RawClient()) {
            assertThat(client.ready(queue)).isZero();
            assertThat(client.ready(queue + ".solo")).isZero();
            assertThat(client.ready(queue + ".dead")).isZero();
            assertThat(client.ready(queue + ".parked")).isZero();
        }
        System.out.printf("row=%s lost=%d dupOut=0 dlq=1 wallMs=%d%n", task.equals("poison") ? "C1" : "C4", lost, wallMs);
    }

    private boolean drained() throws Exception {
        try (RawClient client = new RawClient()) {
            return client.ready(queue) == 0 && client.ready(queue + ".solo") == 0;
        }
    }

    @Test
    void taskThatKillsItsWorkerEveryTimeEndsAsDeliveryLimitFailure() throws Exception {
        assertPoisonReported("poison", List.of(), n -> 2 * n, "--concurrency", "2");
    }

    @Test
    void taskThatExhaustsTheHeapEndsAsDeliveryLimitFailure() throws Exception {
        // One message at a time: a JVM short of heap dies slowly, and every task message it holds meanwhile
        // counts a delivery at each death. With 2 threads and an adaptive prefetch, a good message held through
        // three of the hog's four deaths was dead-lettered once in five CI runs.
        assertPoisonReported("heap_hog", List.of("-Xmx48m", "-XX:+ExitOnOutOfMemoryError"), n -> n,
                "--concurrency", "1", "--prefetch", "1");
    }

    @Test
    void itemPastItsTimeLimitIsAnsweredTimeoutAndFreesTheSlot() throws Exception {
        worker(List.of(), "--concurrency", "1");
        try (Pool pool = pool()) {
            long start = System.nanoTime();
            List<Outcome<Long>> out;
            List<com.fasterxml.jackson.databind.JsonNode> args = Stream.of("[20000]", "[5]").map(PoisonAndLimitsIT::json).toList();
            try (Stream<Outcome<Long>> outcomes = pool.outcomes("sleep", args.iterator(), 2, Long.class,
                    JobOptions.DEFAULTS.withChunkSize(1).withTaskTimeout(Duration.ofSeconds(2)), true)) {
                out = outcomes.toList();
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(out.get(0).error().code()).isEqualTo("TIMEOUT");
            assertThat(out.get(1).value()).isEqualTo(5L);
            assertThat(ms).as("TIMEOUT within limit + 2 s").isLessThan(4_000);

            // A CPU-bound runaway ignores interrupts; the slot must still be freed for the next task. (5 s later,
            // the runaway grace, its worker stops and exits 70: row C5, RunawayTaskIT.)
            start = System.nanoTime();
            List<com.fasterxml.jackson.databind.JsonNode> burn = Stream.of("[100000000]", "[1]").map(PoisonAndLimitsIT::json).toList();
            try (Stream<Outcome<Long>> outcomes = pool.outcomes("burn", burn.iterator(), 2, Long.class,
                    JobOptions.DEFAULTS.withChunkSize(1).withTaskTimeout(Duration.ofSeconds(1)), true)) {
                out = outcomes.toList();
            }
            ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(out.get(0).error().code()).isEqualTo("TIMEOUT");
            assertThat(out.get(1).isOk()).isTrue();
            assertThat(ms).isLessThan(3_000);
        }
        assertThat(workers.get(0).isAlive()).isTrue();
    }

    @Test
    void resultAboveTheLimitBecomesTooLargeNotARedeliveryLoop() throws Exception {
        WorkerProcess w = worker(List.of(), "--max-message-size", "65536");
        try (Pool pool = pool();
             Stream<Outcome<String>> outcomes = pool.outcomes("big_result",
                     Stream.of("[10]", "[200000]", "[20]").map(PoisonAndLimitsIT::json).iterator(), 3, String.class,
                     JobOptions.DEFAULTS.withChunkSize(3), true)) {
            List<Outcome<String>> out = outcomes.toList();
            assertThat(out.get(0).value()).hasSize(10);
            assertThat(out.get(1).error().code()).isEqualTo("TOO_LARGE");
            assertThat(out.get(2).value()).hasSize(20);
        }
        try (RawClient client = new RawClient()) {
            assertThat(client.ready(queue)).isZero();
            assertThat(client.ready(queue + ".solo")).isZero();
        }
        assertThat(w.output()).doesNotContain("redeliver");
    }

    static com.fasterxml.jackson.databind.JsonNode json(String s) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(s);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

}
