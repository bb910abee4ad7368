package io.mqpool.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqpool.producer.JobOptions;
import io.mqpool.producer.Pool;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Rows E1, E2, E5 and E6 of docs/RELIABILITY.md: the broker goes away, restarts, or refuses work. */
@Timeout(400)
class BrokerFaultIT {
    private static final Duration CLIENTS_BACK = Duration.ofSeconds(15);
    /**
     * Per fault, task messages the producer may publish twice: a publish whose confirm is lost with the connection
     * is republished after the reconnect although the broker may have the first copy. Confirms arrive within
     * milliseconds, so only the last couple of publishes before the cut are ever in that state.
     */
    private static final int PRODUCER_REPUBLISHED = 2;
    @PrivateNode
    static PrivateBroker broker;
    private final FaultScheduler faults = new FaultScheduler("broker");
    /** Milliseconds from the broker being back to all workers consuming, per fault. */
    private final List<Long> backMs = new CopyOnWriteArrayList<>();

    @AfterEach
    void stopFaults() {
        faults.close();
    }

    private void awaitWorkersBack(String queue, int workers) throws Exception {
        long ms = Rows.awaitMillis(CLIENTS_BACK, () -> Rows.consumers(broker, queue) == workers);
        backMs.add(ms);
        assertThat(ms).as("ms until the %d workers consume %s again", workers, queue).isNotNegative();
    }

    /** E1: stop_app for 5 s at 30% and at 70% of a job, then start_app. */
    @Test
    @Timeout(180)
    void e1BrokerAppStopsTwiceDuringAJob() throws Exception {
        String queue = Rows.queue("E1");
        runThroughBrokerFaults("E1", queue, () -> {
            broker.stopApp();
            Thread.sleep(5_000);  // the outage itself
            broker.startApp();
            awaitWorkersBack(queue, 3);
        });
    }

    /** E2: kill -9 of the broker at 30% and at 70% of a job, restarted on the same data. */
    @Test
    @Timeout(180)
    void e2BrokerKilledAndRestartedTwiceDuringAJob() throws Exception {
        String queue = Rows.queue("E2");
        runThroughBrokerFaults("E2", queue, () -> {
            broker.killHard();
            broker.restart();
            awaitWorkersBack(queue, 3);
        });
    }

    private void runThroughBrokerFaults(String row, String queue, JobDriver.ThrowingRunnable fault) throws Exception {
        int n = 5_000;
        try (WorkerFleet fleet = WorkerFleet.start(3, broker.url(), queue,
                "--concurrency", "4", "--heartbeat", "5s")) {
            JobDriver.Run run;
            String poolId;
            try (Pool pool = Rows.pool(broker.url(), queue)) {
                poolId = pool.id();
                run = JobDriver.run(pool, "sleep", n, i -> 10L, JobOptions.DEFAULTS.withChunkSize(5),
                        Map.of(n * 3 / 10, faults.async(fault), n * 7 / 10, faults.async(fault)));
            }
            faults.awaitFaults(Duration.ofSeconds(120));
            // Per fault, each worker may lose its prefetch of unacknowledged work: messages of 5 x 10 ms are in the
            // worker's medium band, 2 x concurrency = 8 messages of 5 items.
            InvariantChecker.row(row, n).values(i -> 10L).maxDupExec(2L * (3 * 8 + PRODUCER_REPUBLISHED) * 5).maxWall(Duration.ofSeconds(120))
                    .note("workersBackMs=" + backMs)
                    .check(run, fleet, new Hygiene(broker, "/", queue, poolId, 3, 3));
        }
    }

    /**
     * E5: the task queue is full (a policy sets max-length 20 with reject-publish); the producer retries nacked
     * publishes until the workers make room.
     */
    @Test
    @Timeout(180)
    void e5FullTaskQueueRejectsPublishesAndTheProducerRetries() throws Exception {
        String queue = Rows.queue("E5");
        int n = 2_000;
        broker.ctl("set_policy", "--apply-to", "queues", "full-" + queue, "^" + queue.replace(".", "\\.") + "$",
                "{\"max-length\":20,\"overflow\":\"reject-publish\"}");
        try (WorkerFleet fleet = WorkerFleet.start(3, broker.url(), queue,
                "--concurrency", "2", "--heartbeat", "5s")) {
            JobDriver.Run run;
            String poolId;
            try (Pool pool = Rows.pool(broker.url(), queue)) {
                poolId = pool.id();
                run = JobDriver.run(pool, "sleep", n, i -> 5L, JobOptions.DEFAULTS.withChunkSize(2));
            }
            InvariantChecker.row("E5", n).values(i -> 5L).maxDupExec(0).maxWall(Duration.ofSeconds(120))
                    .check(run, fleet, new Hygiene(broker, "/", queue, poolId, 3, 3));
        } finally {
            broker.ctl("clear_policy", "full-" + queue);
        }
    }

    /** E6: {@code rabbitmqctl close_all_connections} every 3 s, 10 times, during a job. */
    @Test
    @Timeout(180)
    void e6AllConnectionsClosedTenTimesDuringAJob() throws Exception {
        String queue = Rows.queue("E6");
        int n = 10_000;
        int closes = 10;
        AtomicInteger done = new AtomicInteger();
        try (WorkerFleet fleet = WorkerFleet.start(3, broker.url(), queue,
                "--concurrency", "2", "--heartbeat", "5s")) {
            JobDriver.Run run;
            String poolId;
            try (Pool pool = Rows.pool(broker.url(), queue)) {
                poolId = pool.id();
                run = JobDriver.run(pool, "sleep", n, i -> 20L, JobOptions.DEFAULTS.withChunkSize(5), Map.of(n / 20,
                        () -> faults.every(Duration.ZERO, Duration.ofSeconds(3), () -> {
                            if (done.get() < closes) {
                                broker.closeAllConnections();
                                done.incrementAndGet();
                            }
                        })));
            }
            int closedDuringJob = done.get();
            Rows.awaitMillis(Duration.ofSeconds(60), () -> done.get() >= closes);
            faults.stopPeriodic(Duration.ofSeconds(60));
            awaitWorkersBack(queue, 3);
            // Messages of 5 x 20 ms are in the workers' medium prefetch band: 2 x concurrency = 4 each.
            InvariantChecker.row("E6", n).values(i -> 20L).maxDupExec((long) closes * (3 * 4 + PRODUCER_REPUBLISHED) * 5)
                    .maxWall(Duration.ofSeconds(150))
                    .note("closes=" + done.get() + " closesDuringJob=" + closedDuringJob + " workersBackMs=" + backMs)
                    .check(run, fleet, new Hygiene(broker, "/", queue, poolId, 3, 3));
            assertThat(closedDuringJob).as("close_all_connections during the job").isEqualTo(closes);
        }
    }
}
