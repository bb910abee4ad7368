package io.mqpool.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.ErrorCode;
import io.mqpool.protocol.IntegralResults;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.RemoteError;
import io.mqpool.protocol.TaskMessage;
import io.mqpool.task.Task;
import io.mqpool.task.TaskContext;
import io.mqpool.task.TaskRegistry;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.MDC;

/** A message's run on the calling thread, with a fake clock. */
class MessageRunTest {
    private final Codec codec = Codec.defaults();
    private final TaskRunner runner = new TaskRunner(TaskRegistry.load(getClass().getClassLoader()), codec.mapper(), "w1",
            new PrintStream(OutputStream.nullOutputStream()));
    private final Task<?, ?> cube = runner.find("cube").orElseThrow();
    private final TaskMessage message = codec.decodeTask(("{\"v\":1,\"job\":\"j\",\"task\":\"cube\",\"items\":["
            + "{\"i\":3,\"args\":[1]},{\"i\":4,\"args\":[2]},{\"i\":5,\"args\":[3]}]}").getBytes(StandardCharsets.UTF_8));
    private final AtomicLong now = new AtomicLong();
    private final List<List<ItemResult>> done = new ArrayList<>();
    private final MessageRun run = new MessageRun(message, cube, Attempt.first(), Duration.ofSeconds(1), runner, Runnable::run, now::get,
            new AbandonedThreads(Duration.ofSeconds(5), now::get));

    {
        run.finished().thenAccept(done::add);
    }

    @Test
    void everyItemRunsInOrderAndTheResultsAreReportedOnce() {
        run.run();

        assertThat(done).singleElement().satisfies(results -> {
            assertThat(results).extracting(ItemResult::i).containsExactly(3L, 4L, 5L);
            assertThat(results).extracting(r -> r.value().asLong()).containsExactly(1L, 8L, 27L);
        });
    }

    @ParameterizedTest
    @ValueSource(strings = {"[[1],[-2],[2097151],[0]]", "[[1],[3000000],[2],[-9223372036854775808]]",
        "[[1],[\"x\"],[2]]", "[[1],[2,3],[4]]", "[[7]]"})
    void aCompactChunkIsAnsweredAsItsItemsOneByOneAndKeptCompactWhenAllAreIntegral(String args) {
        TaskMessage compact = codec.decodeTask(("{\"v\":2,\"job\":\"j\",\"task\":\"cube\",\"first\":10,\"args\":"
                + args + "}").getBytes(StandardCharsets.UTF_8));
        List<ItemResult> oneByOne = compact.items().stream()
                .map(item -> runner.runItem(cube, compact, item, Attempt.first())).toList();
        MessageRun whole = new MessageRun(compact, cube, Attempt.first(), Duration.ofSeconds(1), runner, Runnable::run,
                now::get, new AbandonedThreads(Duration.ofSeconds(5), now::get));
        List<List<ItemResult>> answers = new ArrayList<>();
        whole.finished().thenAccept(answers::add);

        whole.run();

        assertThat(answers).singleElement().satisfies(results -> {
            assertThat(results).isEqualTo(oneByOne);
            for (int k = 0; k < results.size(); k++) {
                assertThat(results.get(k).isOk() ? results.get(k).value().getClass() : null)
                        .isEqualTo(oneByOne.get(k).isOk() ? oneByOne.get(k).value().getClass() : null);
            }
            boolean allLongs = oneByOne.stream().allMatch(r -> r.isOk() && (r.value().isInt() || r.value().isLong()));
            assertThat(results instanceof IntegralResults).isEqualTo(allLongs);
        });
    }

    @Test
    void aCancelledCompactChunkAnswersTheRestWithTheError() {
        TaskMessage compact = codec.decodeTask("{\"v\":2,\"job\":\"j\",\"task\":\"cube\",\"first\":0,\"args\":[[1],[2]]}"
                .getBytes(StandardCharsets.UTF_8));
        MessageRun cancelled = new MessageRun(compact, cube, Attempt.first(), Duration.ofSeconds(1), runner,
                Runnable::run, now::get, new AbandonedThreads(Duration.ofSeconds(5), now::get));
        List<List<ItemResult>> answers = new ArrayList<>();
        cancelled.finished().thenAccept(answers::add);

        assertThat(cancelled.cancel(RemoteError.of(ErrorCode.CANCELLED, "job j was cancelled"))).isTrue();

        assertThat(answers).singleElement().satisfies(results -> assertThat(results)
                .extracting(ItemResult::i, r -> r.error().code()).containsExactly(tuple(0L, "CANCELLED"),
                        tuple(1L, "CANCELLED")));
    }

    @Test
    void oneClockReadingPerItemTimesItAndStartsTheNext() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        AtomicLong clock = new AtomicLong();
        AtomicLong readings = new AtomicLong();
        TaskOutcomes outcomes = new TaskOutcomes(registry, "cube"::equals, clock::get);
        TaskRunner timedRunner = new TaskRunner(TaskRegistry.load(getClass().getClassLoader()), codec.mapper(), "w1",
                new PrintStream(OutputStream.nullOutputStream()), outcomes);
        // Every reading is 2 ms after the last: each item then took exactly 2 ms.
        MessageRun timed = new MessageRun(message, cube, Attempt.first(), Duration.ofSeconds(1), timedRunner,
                Runnable::run, () -> {
                    readings.incrementAndGet();
                    return clock.addAndGet(Duration.ofMillis(2).toNanos());
                }, new AbandonedThreads(Duration.ofSeconds(5), clock::get));

        timed.run();

        assertThat(readings.get()).as("one for the start, then one per item").isEqualTo(1 + 3);
        Timer durations = registry.get("mqpool.task.duration").tag("task", "cube").timer();
        assertThat(durations.count()).isEqualTo(3);
        assertThat(durations.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(6);
        assertThat(outcomes.lastProgressNanos()).isEqualTo(clock.get());
        assertThat(outcomes.snapshot().running()).isZero();
    }

    @Test
    void aFinishedRunNeitherExpiresNorIsAbandoned() {
        run.run();
        now.set(Duration.ofHours(1).toNanos());

        assertThat(run.expireIfOverdue(now.get())).isFalse();
        assertThat(run.abandon()).isFalse();
        assertThat(done).hasSize(1);
    }

    @Test
    void eachItemLogsWithItsOwnIndexAndTheThreadsContextComesBackBeforeTheResults() {
        List<String> seen = new ArrayList<>();
        Task<Integer, Integer> spy = new Task<>() {
            @Override
            public String name() {
                return "spy";
            }

            @Override
            public Class<Integer> inputType() {
                return Integer.class;
            }

            @Override
            public Integer apply(Integer n, TaskContext context) {
                seen.add(MDC.get(ItemMdc.JOB) + "/" + MDC.get(ItemMdc.ITEM) + "/" + MDC.get(ItemMdc.TASK));
                return n;
            }
        };
        MDC.put(ItemMdc.ITEM, "outer");
        try {
            MessageRun spied = new MessageRun(message, spy, Attempt.first(), Duration.ofSeconds(1), runner,
                    Runnable::run, now::get, new AbandonedThreads(Duration.ofSeconds(5), now::get));
            List<String> atCompletion = new ArrayList<>();
            spied.finished().thenRun(() -> atCompletion.add(MDC.get(ItemMdc.ITEM) + "/" + MDC.get(ItemMdc.JOB)));

            spied.run();

            assertThat(seen).containsExactly("j/3/spy", "j/4/spy", "j/5/spy");
            assertThat(atCompletion).containsExactly("outer/null");
        } finally {
            MDC.clear();
        }
    }

    @Test
    void aRunNotStartedHasNothingToExpire() {
        assertThat(run.expireIfOverdue(Duration.ofHours(1).toNanos())).isFalse();
    }

    /** Item 100 of a gated task: says it {@code entered}, then waits for {@code release}; any other returns at once. */
    private static long gate(long n, CountDownLatch entered, CountDownLatch release) throws InterruptedException {
        if (n == 100) {
            entered.countDown();
            release.await();
        }
        return n;
    }

    private static TaskMessage compactChunk(String task, int items) {
        StringBuilder args = new StringBuilder();
        for (int k = 1; k <= items; k++) {
            args.append(k == 1 ? "" : ",").append('[').append(k).append(']');
        }
        return Codec.defaults().decodeTask(("{\"v\":2,\"job\":\"j\",\"task\":\"" + task + "\",\"first\":0,\"args\":["
                + args + "]}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void tinyItemsThatNoOneTimesReadTheClockInStrides() {
        TaskMessage chunk = compactChunk("cube", 1_000);
        AtomicLong readings = new AtomicLong();
        // 1 us per reading: tiny items.
        MessageRun strided = new MessageRun(chunk, cube, Attempt.first(), Duration.ofSeconds(1), runner, Runnable::run,
                () -> readings.incrementAndGet() * 1_000, new AbandonedThreads(Duration.ofSeconds(5), now::get));
        List<List<ItemResult>> answers = new ArrayList<>();
        strided.finished().thenAccept(answers::add);

        strided.run();

        // 1 at the start, after items 1, 3, 7, ... 127, then every 64 up to 959: 1 + 7 + 13 (the run's end times
        // the last 41 with its message).
        assertThat(readings.get()).isEqualTo(21);
        assertThat(answers).singleElement().satisfies(results -> assertThat(results)
                .extracting(r -> r.value().asLong()).containsExactlyElementsOf(
                        java.util.stream.LongStream.rangeClosed(1, 1_000).map(n -> n * n * n).boxed().toList()));
    }

    /**
     * An item that hangs after tiny ones started between two clock readings: the watchdog times it from when it
     * first saw it, so it is answered TIMEOUT a whole limit after that, never earlier.
     */
    @Test
    void anItemStartedBetweenReadingsTimesOutALimitAfterTheWatchdogFirstSawIt() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Task<Long, Long> gate = Task.of("gate", Long.class, (n, c) -> gate(n, entered, release));
        TaskRunner gated = new TaskRunner(TaskRegistry.of(gate), codec.mapper(), "w1",
                new PrintStream(OutputStream.nullOutputStream()));
        AtomicLong clock = new AtomicLong();
        long limit = Duration.ofSeconds(1).toNanos();
        MessageRun run = new MessageRun(compactChunk("gate", 200), gate, Attempt.first(), Duration.ofSeconds(1),
                gated, Runnable::run, () -> clock.addAndGet(1), new AbandonedThreads(Duration.ofSeconds(5), clock::get));
        List<List<ItemResult>> answers = new ArrayList<>();
        run.finished().thenAccept(answers::add);
        Thread runner = new Thread(run, "test-gated-run");
        runner.start();
        try {
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            long seen = clock.get() + limit + 1; // past the last reading's deadline

            assertThat(run.expireIfOverdue(seen)).as("first seen now").isFalse();
            assertThat(run.expireIfOverdue(seen + limit - 1)).isFalse();
            assertThat(run.expireIfOverdue(seen + limit)).isTrue();

            assertThat(answers).singleElement().satisfies(results -> {
                assertThat(results).hasSize(200);
                assertThat(results.get(99).error().code()).isEqualTo("TIMEOUT");
                assertThat(results.get(100).value().asLong()).isEqualTo(101);
            });
        } finally {
            release.countDown();
            runner.join(10_000);
        }
    }
    /**
     * A thread in a message's items counts as one item in flight (the gauge), counted once per run and not per
     * item; an abandoned thread still counts until its item returns, beside the thread that ran the rest.
     */
    @Test
    void aThreadInItsItemsCountsAsOneItemInFlightUntilItReturns() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        TaskOutcomes outcomes = TaskOutcomes.none();
        List<Long> inFlightDuringTheRest = new ArrayList<>();
        Task<Long, Long> watched = Task.of("gate", Long.class, (n, c) -> {
            if (n == 150) {
                inFlightDuringTheRest.add(outcomes.running());
            }
            return gate(n, entered, release);
        });
        TaskRunner gated = new TaskRunner(TaskRegistry.of(watched), codec.mapper(), "w1",
                new PrintStream(OutputStream.nullOutputStream()), outcomes);
        AtomicLong clock = new AtomicLong();
        MessageRun run = new MessageRun(compactChunk("gate", 200), watched, Attempt.first(), Duration.ofSeconds(1),
                gated, Runnable::run, clock::get, new AbandonedThreads(Duration.ofSeconds(5), clock::get));
        Thread runner = new Thread(run, "test-counted-run");
        runner.start();
        try {
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(outcomes.running()).isEqualTo(1);

            // Expired: the rest of the items run here (the executor runs inline) while the gated thread is abandoned.
            long limit = Duration.ofSeconds(1).toNanos();
            long seen = clock.get() + limit + 1;
            assertThat(run.expireIfOverdue(seen)).as("first seen now").isFalse();
            assertThat(run.expireIfOverdue(seen + limit)).isTrue();
            assertThat(inFlightDuringTheRest).containsExactly(2L);
            assertThat(outcomes.running()).as("the abandoned thread is still in its item").isEqualTo(1);
        } finally {
            release.countDown();
            runner.join(10_000);
        }
        assertThat(runner.isAlive()).isFalse();
        assertThat(outcomes.running()).isZero();
    }
}
