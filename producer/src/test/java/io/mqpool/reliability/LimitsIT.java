package io.mqpool.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mqpool.producer.JobOptions;
import io.mqpool.producer.Pool;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.MessageTooLargeException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Row D2 of docs/RELIABILITY.md: message-size limits. */
@Timeout(120)
class LimitsIT {
    @PrivateNode
    static PrivateBroker broker;

    /** D2: an argument above the 1 MiB limit is refused by the producer before publishing, as that item's error. */
    @Test
    void d2OversizedArgumentIsRefusedBeforePublishing() throws Exception {
        String queue = Rows.queue("D2");
        int n = 100;
        long big = 37;
        String huge = "x".repeat(Codec.DEFAULT_MAX_MESSAGE_BYTES + 1);
        try (WorkerFleet fleet = WorkerFleet.start(1, broker.url(), queue, "--concurrency", "2", "--heartbeat", "5s")) {
            JobDriver.Run run;
            String poolId;
            try (Pool pool = Rows.pool(broker.url(), queue)) {
                poolId = pool.id();
                run = JobDriver.run(pool, "echo", n, i -> i == big ? huge : i, JobOptions.DEFAULTS.withChunkSize(10));
                // The one-call form fails its future with the same clear error.
                assertThatThrownBy(() -> pool.submit("echo", String.class, huge).get(10, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .cause().isInstanceOf(MessageTooLargeException.class)
                        .hasMessageContaining(String.valueOf(Codec.DEFAULT_MAX_MESSAGE_BYTES));
            }
            InvariantChecker.row("D2", n).values(i -> i).errors(i -> i == big ? "TOO_LARGE" : null).maxDupExec(0)
                    .maxWall(Duration.ofSeconds(30))
                    .check(run, fleet, new Hygiene(broker, "/", queue, poolId, 1, 1));
            String message = run.outcomes().get((int) big).error().message();
            assertThat(message).contains("refused before publishing").contains("bytes");
            assertThat(fleet.executions(poolId + "-")).noneMatch(e -> e.index() == big);
        }
    }
}
