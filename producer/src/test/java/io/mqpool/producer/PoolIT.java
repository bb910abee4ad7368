package io.mqpool.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqpool.config.ConnectionSettings;
import io.mqpool.protocol.ErrorCode;
import io.mqpool.testing.RawClient;
import io.mqpool.testing.TestBroker;
import io.mqpool.testing.WorkerProcess;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The Pool library against a real broker and two real worker JVMs. */
@Timeout(120)
class PoolIT {
    private static final String QUEUE = TestBroker.uniqueName("it.pool");
    private static final List<WorkerProcess> WORKERS = new ArrayList<>();
    private static Pool pool;

    @BeforeAll
    static void startWorkers() throws Exception {
        WORKERS.add(WorkerProcess.start(TestBroker.url(), QUEUE, "--concurrency", "4"));
        WORKERS.add(WorkerProcess.start(TestBroker.url(), QUEUE, "--concurrency", "4"));
        for (WorkerProcess w : WORKERS) {
            w.awaitReady(Duration.ofSeconds(60));
        }
        pool = Pool.create(settings());
    }

    private static PoolSettings settings() {
        return PoolSettings.of(ConnectionSettings.of(TestBroker.url())).withQueue(QUEUE);
    }

    @AfterAll
    static void stopWorkers() throws Exception {
        if (pool != null) {
            pool.close();
        }
        for (WorkerProcess w : WORKERS) {
            w.close();
        }
        try (RawClient client = new RawClient()) {
            client.deleteTaskQueues(QUEUE);
        }
    }

    private static List<Long> cubes(long from, long to) {
        return LongStream.rangeClosed(from, to).map(n -> n * n * n).boxed().toList();
    }

    @Test
    void mapKeepsInputOrderWhenLaterItemsFinishFirst() {
        List<Long> sleeps = List.of(300L, 1L, 200L, 1L, 100L, 1L);
        assertThat(pool.map("sleep", sleeps, Long.class, JobOptions.DEFAULTS.withChunkSize(1))).isEqualTo(sleeps);
    }

    @Test
    void cubeIsExactForBigIntegers() {
        List<BigInteger> out = pool.map("cube", List.of(3_000_000L, new BigInteger("123456789012345678901234567890")),
                BigInteger.class);
        assertThat(out).containsExactly(new BigInteger("27000000000000000000"),
                new BigInteger("123456789012345678901234567890").pow(3));
    }

    @Test
    void imapStreamsALazySourceWithinTheWindow() {
        AtomicLong pulled = new AtomicLong();
        long total = 50_000;
        Iterable<Long> lazy = () -> new Iterator<>() {
            private long next = 1;

            @Override
            public boolean hasNext() {
                return next <= total;
            }

            @Override
            public Long next() {
                pulled.incrementAndGet();
                return next++;
            }
        };
        try (Pool small = Pool.create(settings().withMaxInFlightMessages(4))) {
            long window = 4L * 256;
            AtomicLong seen = new AtomicLong();
            try (Stream<Long> results = small.imap("cube", lazy, Long.class, JobOptions.DEFAULTS.withChunkSize(256))) {
                results.forEach(r -> {
                    long k = seen.incrementAndGet();
                    assertThat(r).isEqualTo(k * k * k);
                    assertThat(pulled.get() - k).as("items read ahead of the consumer").isLessThanOrEqualTo(window);
                });
            }
            assertThat(seen.get()).isEqualTo(total);
        }
    }

    @Test
    void imapUnorderedYieldsEveryIndexExactlyOnce() {
        List<Long> input = LongStream.rangeClosed(1, 500).boxed().toList();
        try (Stream<Long> results = pool.imapUnordered("cube", input, Long.class, JobOptions.DEFAULTS.withChunkSize(7))) {
            assertThat(results.sorted().toList()).isEqualTo(cubes(1, 500));
        }
    }

    @Test
    void starmapBindsPositionalArguments() {
        assertThat(pool.starmap("pow", List.of(List.of(2, 10), List.of(3, 3), List.of(10, 20)), BigInteger.class))
                .containsExactly(BigInteger.valueOf(1024), BigInteger.valueOf(27), BigInteger.TEN.pow(20));
    }

    @Test
    void submitCompletesAFuture() throws Exception {
        assertThat(pool.submit("greet", String.class, "Mahima").get(30, TimeUnit.SECONDS)).isEqualTo("Hello,Mahima");
        assertThatThrownBy(() -> pool.submit("nosuchtask", String.class, 1).get(30, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(TaskFailedException.class).hasMessageContaining("UNKNOWN_TASK");
    }

    @Test
    void remoteFailureNamesTheIndexAndTheRemoteTypeAndMessage() {
        assertThatThrownBy(() -> pool.map("sleep", List.of(1, 2, -3, 4), Long.class))
                .isInstanceOfSatisfying(TaskFailedException.class, e -> {
                    assertThat(e.index()).isEqualTo(2);
                    assertThat(e.error().code()).isEqualTo(ErrorCode.TASK_ERROR.name());
                    assertThat(e.error().type()).isEqualTo("java.lang.IllegalArgumentException");
                    assertThat(e.error().message()).contains("-3");
                    assertThat(e.getMessage()).contains("item 2");
                });
    }

    @Test
    void outcomesReportEveryItemFailedOrNot() {
        List<com.fasterxml.jackson.databind.JsonNode> args = Stream.of("2", "\"abc\"", "3000000")
                .map(s -> {
                    try {
                        return (com.fasterxml.jackson.databind.JsonNode) new com.fasterxml.jackson.databind.ObjectMapper()
                                .readTree("[" + s + "]");
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }).toList();
        try (Stream<Outcome<BigInteger>> outcomes = pool.outcomes("cube", args.iterator(), 3, BigInteger.class,
                JobOptions.DEFAULTS, true)) {
            List<Outcome<BigInteger>> all = outcomes.toList();
            assertThat(all).extracting(Outcome::index).containsExactly(0L, 1L, 2L);
            assertThat(all.get(0).value()).isEqualTo(8);
            assertThat(all.get(1).error().code()).isEqualTo("BAD_ARGUMENTS");
            assertThat(all.get(2).value()).isEqualTo(new BigInteger("27000000000000000000"));
        }
    }

    @Test
    void jobTimeoutIsReported() {
        assertThatThrownBy(() -> pool.map("sleep", List.of(5_000), Long.class,
                JobOptions.DEFAULTS.withTimeout(Duration.ofMillis(300))))
                .isInstanceOf(JobTimeoutException.class).hasMessageContaining("timed out");
    }

    @Test
    void oversizeArgumentIsRefusedBeforePublishing() {
        String big = "x".repeat(2 << 20);
        assertThatThrownBy(() -> pool.map("echo", List.of("small", big), String.class))
                .isInstanceOfSatisfying(TaskFailedException.class, e -> {
                    assertThat(e.index()).isEqualTo(1);
                    assertThat(e.error().code()).isEqualTo("TOO_LARGE");
                    assertThat(e.error().message()).contains("refused before publishing");
                });
    }

    @Test
    void closedPoolLeavesNoMqpoolThreads() {
        String prefix;
        try (Pool p = Pool.create(settings())) {
            assertThat(p.map("cube", List.of(1, 2), Long.class)).containsExactly(1L, 8L);
            prefix = "mqpool-pool-" + p.id();
        }
        Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(
                Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                        .filter(n -> n.startsWith(prefix)).collect(Collectors.toList())).isEmpty());
    }
}
