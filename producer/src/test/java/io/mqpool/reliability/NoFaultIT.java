package io.mqpool.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqpool.producer.JobOptions;
import io.mqpool.producer.Outcome;
import io.mqpool.producer.Pool;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Rows A1, A2 and C2 of docs/RELIABILITY.md: no infrastructure fault. */
@Timeout(300)
class NoFaultIT {
    @PrivateNode
    static PrivateBroker broker;

    /**
     * A1: 10,000 tasks of 1 ms on 3 workers, automatic chunk size; then {@code Pool.map} keeps input order with
     * one item per message, and with one message for the whole input.
     */
    @Test
    @Timeout(120)
    void a1TenThousandTasksCompleteInOrderAndCorrect() throws Exception {
        String queue = Rows.queue("A1");
        int n = 10_000;
        try (WorkerFleet fleet = WorkerFleet.start(3, broker.url(), queue, "--concurrency", "4", "--heartbeat", "5s")) {
            JobDriver.Run run;
            String poolId;
            try (Pool pool = Rows.pool(broker.url(), queue)) {
                poolId = pool.id();
                run = JobDriver.run(pool, "cube", n, i -> i, JobOptions.DEFAULTS);
            }
            InvariantChecker.row("A1", n).values(i -> i * i * i).maxDupExec(0).maxWall(Duration.ofSeconds(60))
                    .check(run, fleet, new Hygiene(broker, "/", queue, poolId, 3, 3));
            assertThat(run.stats().completed()).isEqualTo(n);
            assertThat(run.stats().duplicates()).isZero();

            List<Long> input = LongStream.rangeClosed(1, 2_000).boxed().toList();
            List<Long> cubes = LongStream.rangeClosed(1, 2_000).map(k -> k * k * k).boxed().toList();
            try (Pool pool = Rows.pool(broker.url(), queue)) {
                assertThat(pool.map("cube", input, Long.class, JobOptions.DEFAULTS.withChunkSize(1))).isEqualTo(cubes);
                assertThat(pool.map("cube", input, Long.class, JobOptions.DEFAULTS.withChunkSize(5_000)))
                        .isEqualTo(cubes);
            }
        }
    }

    /**
     * A2: 2,000 tasks of random 0-50 ms on 3 workers, one item per message and a 64-message window, so results
     * arrive far out of order; the output is still in input order and the reorder buffer stays within the window.
     */
    @Test
    @Timeout(120)
    void a2SkewedDurationsStayOrderedWithinTheWindow() throws Exception {
        String queue = Rows.queue("A2");
        int n = 2_000;
        int window = 64;
        Random random = new Random(42);
        long[] sleeps = new long[n];
        for (int i = 0; i < n; i++) {
            sleeps[i] = random.nextInt(51);
        }
        try (WorkerFleet fleet = WorkerFleet.start(3, broker.url(), queue, "--concurrency", "4", "--heartbeat", "5s")) {
            JobDriver.Run run;
            String poolId;
            try (Pool pool = Rows.pool(broker.url(), queue, window)) {
                poolId = pool.id();
                run = JobDriver.run(pool, "sleep", n, i -> sleeps[(int) i], JobOptions.DEFAULTS.withChunkSize(1));
            }
            long maxBuffered = run.stats().reorderPeak();
            InvariantChecker.row("A2", n).values(i -> sleeps[(int) i]).maxDupExec(0).maxWall(Duration.ofSeconds(60))
                    .note("maxBuffered=" + maxBuffered + " window=" + window)
                    .check(run, fleet, new Hygiene(broker, "/", queue, poolId, 3, 3));
            assertThat(maxBuffered).as("reorder buffer high-water mark").isBetween(1L, (long) window);
        }
    }

    /** C2: 1% of 2,000 tasks throw; each yields one TASK_ERROR with the remote type and message, and runs once. */
    @Test
    @Timeout(120)
    void c2FailingTasksBecomeOneErrorEachAndWorkersStayUp() throws Exception {
        String queue = Rows.queue("C2");
        int n = 2_000;
        try (WorkerFleet fleet = WorkerFleet.start(3, broker.url(), queue, "--concurrency", "4", "--heartbeat", "5s")) {
            JobDriver.Run run;
            String poolId;
            try (Pool pool = Rows.pool(broker.url(), queue)) {
                poolId = pool.id();
                run = JobDriver.run(pool, "sleep", n, i -> i % 100 == 37 ? -1L : i % 3, JobOptions.DEFAULTS.withChunkSize(4));
            }
            InvariantChecker.row("C2", n).values(i -> i % 3).errors(i -> i % 100 == 37 ? "TASK_ERROR" : null)
                    .maxDupExec(0).maxWall(Duration.ofSeconds(60))
                    .check(run, fleet, new Hygiene(broker, "/", queue, poolId, 3, 3));
            for (Outcome<Long> o : run.outcomes()) {
                if (!o.isOk()) {
                    assertThat(o.error().type()).isEqualTo(IllegalArgumentException.class.getName());
                    assertThat(o.error().message()).contains("sleep time must be >= 0 ms, got -1");
                }
            }
            assertThat(run.outcomes().stream().filter(o -> !o.isOk()).count()).isEqualTo(20);
            assertThat(fleet.alive()).isEqualTo(3);
        }
    }

}
