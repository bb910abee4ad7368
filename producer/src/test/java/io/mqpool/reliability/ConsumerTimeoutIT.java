package io.mqpool.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqpool.producer.JobOptions;
import io.mqpool.producer.Pool;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Row C7 of docs/RELIABILITY.md (called C5 before the matrix gave C5 to the runaway task of {@link RunawayTaskIT}): a
 * task outlives the broker's {@code consumer_timeout} because the worker's
 * {@code --task-timeout} is longer. The broker closes the worker's channel (PRECONDITION_FAILED, "delivery
 * acknowledgement ... timed out"); the worker says so in one WARN line with the fix, abandons what it held on that
 * channel, consumes again, and the job completes with nothing lost or output twice.
 *
 * <p>RabbitMQ 3.10 checks the timeout on the channel tick ({@code channel_tick_interval}, 60 s by default), so the
 * node runs with a 500 ms tick (advanced.config) and a 3 s consumer_timeout.
 */
@Timeout(300)
class ConsumerTimeoutIT {
    private static final long CONSUMER_TIMEOUT_MS = 3_000;
    private static final Pattern WARN_LINE = Pattern.compile(
            "WARN .*broker closed the consumer channel because a task message stayed unacknowledged longer than its "
                    + "consumer_timeout \\(PRECONDITION_FAILED - delivery acknowledgement on channel \\d+ timed out.*\\); "
                    + "\\d+ task messages in progress were abandoned .*set --task-timeout below the broker's "
                    + "consumer_timeout, or raise consumer_timeout; consuming again in 1 s");
    /** A log line at level ERROR: the level is the token after the time. */
    private static final Pattern ERROR_LINE = Pattern.compile("^\\S+ ERROR ");
    @PrivateNode(setup = "shortConsumerTimeout")
    static PrivateBroker broker;

    static PrivateBroker.Setup shortConsumerTimeout() {
        return PrivateBroker.setup()
                .conf("consumer_timeout", String.valueOf(CONSUMER_TIMEOUT_MS))
                .advancedConfig("[{rabbit, [{channel_tick_interval, 500}]}].");
    }

    /**
     * C7: 300 items of 100 ms and one of 8 s, one item per message, on 2 workers x 2 with a 60 s task timeout and a
     * delivery limit of 2. Each delivery of the slow item ends in a consumer_timeout close; after the third it is
     * dead-lettered and answered DELIVERY_LIMIT, while the short items keep flowing.
     */
    @Test
    @Timeout(180)
    void c7TaskPastTheConsumerTimeoutIsHandledAndTheJobCompletes() throws Exception {
        String queue = Rows.queue("C7");
        int n = 300;
        long slow = 100;
        int deliveryLimit = 2;
        try (WorkerFleet fleet = WorkerFleet.start(2, broker.url(), queue, "--concurrency", "2", "--prefetch", "2",
                "--heartbeat", "5s", "--task-timeout", "60s", "--delivery-limit", String.valueOf(deliveryLimit))) {
            JobDriver.Run run;
            String poolId;
            try (Pool pool = Rows.pool(broker.url(), queue)) {
                poolId = pool.id();
                run = JobDriver.run(pool, "sleep", n, i -> i == slow ? 8_000L : 100L,
                        JobOptions.DEFAULTS.withChunkSize(1));
            }
            List<String> warnings = fleet.logLines(WARN_LINE);
            long closes = warnings.size();
            // Each close abandons what that channel held: at most its prefetch of 2 one-item messages.
            InvariantChecker.row("C7", n).values(i -> 100L).errors(i -> i == slow ? "DELIVERY_LIMIT" : null)
                    .maxDupExec(closes * 2).maxWall(Duration.ofSeconds(90))
                    .note("consumerTimeoutCloses=" + closes)
                    .check(run, fleet, new Hygiene(broker, "/", queue, poolId, 2, 2));
            assertThat(closes).as("consumer_timeout closes, one per delivery of the slow item")
                    .isEqualTo(deliveryLimit + 1);
            assertThat(fleet.alive()).as("workers alive").isEqualTo(2);
            assertThat(fleet.logsTail(Integer.MAX_VALUE)).doesNotContain("\tat ");
            // Lines logged at ERROR, not the word: two workers that declare a new control stream at once may have
            // one reader's connection closed with 541 INTERNAL_ERROR, which it logs at DEBUG and retries.
            assertThat(fleet.logLines(ERROR_LINE)).isEmpty();
            assertThat(run.outcomes().get((int) slow).error().message()).contains("delivery");
        }
    }
}
