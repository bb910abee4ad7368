package io.mqpool.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqpool.producer.JobOptions;
import io.mqpool.producer.Pool;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Rows F1, F2 and F3 of docs/RELIABILITY.md: network faults between a client and the broker, injected by a
 * {@link TcpProxy} in front of the private node.
 */
@Timeout(400)
class NetworkFaultIT {
    /** How long F4's workers stay frozen. */
    private static final Duration FREEZE = Duration.ofSeconds(40);
    private static final Duration CUT = Duration.ofSeconds(30);
    @PrivateNode
    static PrivateBroker broker;
    private final FaultScheduler faults = new FaultScheduler("network");

    @AfterEach
    void stopFaults() {
        faults.close();
    }

    /** F1: one of 3 workers has its connection reset and refused for 30 s. */
    @Test
    @Timeout(180)
    void f1WorkerConnectionResetAndRefusedFor30s() throws Exception {
        workerCut("F1", TcpProxy::reset, Duration.ofSeconds(5));
    }

    /** F2: one of 3 workers is blackholed for 30 s (heartbeat 5 s); the broker notices within 15 s. */
    @Test
    @Timeout(180)
    void f2WorkerBlackholedFor30s() throws Exception {
        workerCut("F2", TcpProxy::blackhole, Duration.ofSeconds(15));
    }

    private void workerCut(String row, java.util.function.Consumer<TcpProxy> cut, Duration noticeBound) throws Exception {
        String queue = Rows.queue(row);
        int n = 6_000;
        AtomicLong noticedMs = new AtomicLong(-1);
        AtomicLong backMs = new AtomicLong(-1);
        try (TcpProxy proxy = new TcpProxy(broker.port());
             WorkerFleet fleet = WorkerFleet.start(List.of(broker.urlVia(proxy.port()), broker.url(), broker.url()),
                     queue, "--concurrency", "2", "--heartbeat", "5s")) {
            JobDriver.Run run;
            String poolId;
            try (Pool pool = Rows.pool(broker.url(), queue)) {
                poolId = pool.id();
                run = JobDriver.run(pool, "sleep", n, i -> 20L, JobOptions.DEFAULTS.withChunkSize(2),
                        Map.of(n / 10, faults.async(() -> {
                            long start = System.nanoTime();
                            cut.accept(proxy);
                            // The broker requeues the cut worker's tasks once it drops that consumer.
                            noticedMs.set(Rows.awaitMillis(noticeBound.plusSeconds(5),
                                    () -> Rows.consumers(broker, queue) == 2));
                            long rest = CUT.toNanos() - (System.nanoTime() - start);
                            if (rest > 0) {
                                TimeUnit.NANOSECONDS.sleep(rest);  // the cut itself
                            }
                            proxy.pass();
                            backMs.set(Rows.awaitMillis(Duration.ofSeconds(10),
                                    () -> Rows.consumers(broker, queue) == 3));
                        })));
            }
            faults.awaitFaults(Duration.ofSeconds(120));
            // The cut worker's unacknowledged work: its prefetch of 2 items a message; messages of 2 x 20 ms are in
            // the medium band, 2 x concurrency = 4 messages.
            InvariantChecker.row(row, n).values(i -> 20L).maxDupExec(4 * 2).maxWall(Duration.ofSeconds(120))
                    .note("noticedMs=" + noticedMs.get() + " reconnectMs=" + backMs.get())
                    .check(run, fleet, new Hygiene(broker, "/", queue, poolId, 3, 3));
            assertThat(noticedMs.get()).as("ms until the broker dropped the cut worker")
                    .isBetween(0L, noticeBound.toMillis());
            assertThat(backMs.get()).as("ms from the restore until the cut worker consumes again")
                    .isBetween(0L, 10_000L);
        }
    }

    /**
     * F3: the producer's link is reset and refused for 30 s while it is still publishing, and again for 30 s
     * while it only collects results.
     */
    @Test
    @Timeout(240)
    void f3ProducerCutWhilePublishingAndWhileCollecting() throws Exception {
        String queue = Rows.queue("F3");
        int n = 5_000;
        int chunk = 5;
        int window = 100;  // messages: 500 items in flight, so the first cut hits while publishing
        try (TcpProxy proxy = new TcpProxy(broker.port());
             WorkerFleet fleet = WorkerFleet.start(3, broker.url(), queue, "--concurrency", "2", "--heartbeat", "5s")) {
            JobDriver.Run run;
            String poolId;
            JobDriver.ThrowingRunnable cut = faults.async(() -> {
                proxy.reset();
                Thread.sleep(CUT.toMillis());  // the cut itself
                proxy.pass();
            });
            JobDriver.ThrowingRunnable cutAgain = faults.async(() -> {
                proxy.reset();
                Thread.sleep(CUT.toMillis());  // the cut itself
                proxy.pass();
            });
            try (Pool pool = Rows.pool(broker.urlVia(proxy.port()), queue, window)) {
                poolId = pool.id();
                run = JobDriver.run(pool, "sleep", n, i -> 5L, JobOptions.DEFAULTS.withChunkSize(chunk),
                        Map.of(n / 10, cut, n * 9 / 10, cutAgain));
            }
            faults.awaitFaults(Duration.ofSeconds(120));
            // Workers are not cut; the producer's republished messages can run twice: the window, twice.
            InvariantChecker.row("F3", n).values(i -> 5L).maxDupExec(2L * window * chunk)
                    .maxWall(Duration.ofSeconds(150))
                    .check(run, fleet, new Hygiene(broker, "/", queue, poolId, 3, 3));
        }
    }

    /**
     * F4: two of four workers frozen (SIGSTOP) for 40 s mid-job: one with a 4 s heartbeat, which the broker must
     * notice within 15 s (it closes a connection silent for 2 to 3 heartbeats), and one with the default heartbeat,
     * within 30 s. Their tasks go to the others; once thawed, they reconnect.
     */
    @Test
    @Timeout(240)
    void f4FrozenWorkersAreNoticedByHeartbeats() throws Exception {
        String queue = Rows.queue("F4");
        int n = 6_000;
        AtomicLong testHeartbeatMs = new AtomicLong(-1);
        AtomicLong defaultHeartbeatMs = new AtomicLong(-1);
        AtomicLong backMs = new AtomicLong(-1);
        try (WorkerFleet fleet = WorkerFleet.start(List.of(), queue, "--concurrency", "2")) {
            fleet.add(broker.url(), "--heartbeat", "4s");
            for (int k = 1; k < 3; k++) {
                fleet.add(broker.url(), "--heartbeat", "5s");
            }
            fleet.add(broker.url());  // the default heartbeat
            JobDriver.Run run;
            String poolId;
            try (Pool pool = Rows.pool(broker.url(), queue)) {
                poolId = pool.id();
                run = JobDriver.run(pool, "sleep", n, i -> 20L, JobOptions.DEFAULTS.withChunkSize(2),
                        Map.of(n / 10, faults.async(() -> {
                            long start = System.nanoTime();
                            fleet.freeze(0);
                            fleet.freeze(3);
                            testHeartbeatMs.set(Rows.awaitMillis(Duration.ofSeconds(25),
                                    () -> Rows.consumers(broker, queue) <= 3));
                            if (Rows.awaitMillis(Duration.ofSeconds(40), () -> Rows.consumers(broker, queue) <= 2) >= 0) {
                                defaultHeartbeatMs.set((System.nanoTime() - start) / 1_000_000);
                            }
                            long rest = FREEZE.toNanos() - (System.nanoTime() - start);
                            if (rest > 0) {
                                TimeUnit.NANOSECONDS.sleep(rest);  // the freeze itself
                            }
                            fleet.thaw(0);
                            fleet.thaw(3);
                            backMs.set(Rows.awaitMillis(Duration.ofSeconds(20),
                                    () -> Rows.consumers(broker, queue) == 4));
                        })));
            }
            faults.awaitFaults(Duration.ofSeconds(120));
            // Each frozen worker's unacknowledged work: 2 x concurrency messages (medium band) of 2 items.
            InvariantChecker.row("F4", n).values(i -> 20L).maxDupExec(2 * 4 * 2).maxWall(Duration.ofSeconds(150))
                    .note("noticedMs(heartbeat 4s)=" + testHeartbeatMs.get() + " noticedMs(default heartbeat)="
                            + defaultHeartbeatMs.get() + " reconnectMs=" + backMs.get())
                    .check(run, fleet, new Hygiene(broker, "/", queue, poolId, 4, 4));
            assertThat(testHeartbeatMs.get()).as("ms until the broker dropped the worker with a 4 s heartbeat")
                    .isBetween(0L, 15_000L);
            assertThat(defaultHeartbeatMs.get()).as("ms until the broker dropped the worker with the default heartbeat")
                    .isBetween(0L, 30_000L);
            assertThat(backMs.get()).as("ms from the thaw until both consume again").isBetween(0L, 20_000L);
        }
    }
}
