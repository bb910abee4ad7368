package io.mqpool.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqpool.producer.JobOptions;
import io.mqpool.producer.Pool;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Row C6 of docs/RELIABILITY.md: transient failures under a retry policy, with a worker SIGKILLed mid-run. */
@Timeout(300)
class RetryFaultIT {
    private static final Pattern RETRY = Pattern.compile("retry job=\\S+ index=\\d+ attempt=\\d+ next=\\d+ delayMs=\\d+ "
            + "queue=(\\S+)");
    /** What a killed worker may have held: prefetch 8 (the adaptive band of 2 threads) plus 1 solo message. */
    private static final int HELD_MESSAGES = 9;
    private static final int CHUNK = 5;
    private static final int WINDOW = 16;

    @PrivateNode
    static PrivateBroker broker;

    /**
     * C6: 1,000 × {@code flaky_square} (attempts 1 and 2 of every item throw; its policy allows 3 attempts, 20 ms
     * doubling to 200 ms), chunk 5, 16 messages in flight, 2 workers × 2; worker 0 is SIGKILLed when 300 results
     * are in. Every item is
     * correct and came from its third attempt or later, each attempt of an item ran once, every retry went through a
     * broker delay queue (none waits in a worker), and the delay queues are empty afterwards.
     */
    @Test
    void c6TransientFailuresAreRetriedThroughTheBrokerWhileAWorkerIsKilled() throws Exception {
        String queue = Rows.queue("C6");
        int n = 1_000;
        AtomicInteger exitCode = new AtomicInteger(-1);
        try (WorkerFleet fleet = WorkerFleet.start(2, broker.url(), queue, "--concurrency", "2", "--heartbeat", "5s")) {
            JobDriver.Run run;
            String poolId;
            // A window of 16 messages makes the job throughput-bound, so that the kill at 300 results falls mid-run
            // and what the killed worker held (its results perhaps confirmed) is run again before the job ends.
            try (Pool pool = Rows.pool(broker.url(), queue, WINDOW)) {
                poolId = pool.id();
                run = JobDriver.run(pool, "flaky_square", n, i -> i, JobOptions.DEFAULTS.withChunkSize(CHUNK),
                        Map.of(300, () -> exitCode.set(fleet.kill(0))));
            }
            List<WorkerFleet.Exec> execs = fleet.executions(poolId + "-");
            List<String> retries = fleet.logLines(RETRY);
            Map<Long, Integer> lastAttempt = new HashMap<>();
            for (WorkerFleet.Exec e : execs) {
                lastAttempt.merge(e.index(), e.attempt(), Math::max);
            }
            long finishedEarly = lastAttempt.values().stream().filter(a -> a < 3).count();
            // A kill re-runs at most what the killed worker held, each item of it on up to two attempts: the
            // redelivered original and the retry copy confirmed before the kill both run the next attempt.
            InvariantChecker.row("C6", n).values(i -> i * i).perAttempt().maxDupExec(2L * HELD_MESSAGES * CHUNK)
                    .maxWall(Duration.ofSeconds(120))
                    .note("retried=" + run.stats().retried() + " retryPublishes=" + retries.size()
                            + " executions=" + execs.size() + " kills=1 exitCode=" + exitCode.get())
                    .check(run, fleet, new Hygiene(broker, "/", queue, poolId, 1, 1));
            assertThat(exitCode.get()).as("exit code of the killed worker").isNotZero();
            assertThat(run.stats().retried()).as("every item answered by a later attempt").isEqualTo(n);
            assertThat(finishedEarly).as("items whose last logged attempt was below 3").isZero();
            // Two retries per item, but one fewer for an item whose attempt a crash redelivery counted.
            assertThat(retries).as("retries sent back through the broker").hasSizeGreaterThanOrEqualTo(
                    2 * n - HELD_MESSAGES * CHUNK);
            assertThat(retries).allSatisfy(line -> {
                Matcher m = RETRY.matcher(line);
                assertThat(m.find()).isTrue();
                assertThat(m.group(1)).as("no retry waits in a worker: each goes to a delay queue or straight back")
                        .matches(Pattern.quote(queue) + "(\\.retry\\.(10|20|50|100|200))?");
            });
            assertThat(fleet.logLines(Pattern.compile("consumer_timeout|\\bERROR\\b"))).isEmpty();
        }
    }
}
