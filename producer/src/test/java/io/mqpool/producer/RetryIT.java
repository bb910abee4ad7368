package io.mqpool.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.mqpool.config.ConnectionSettings;
import io.mqpool.protocol.ErrorCode;
import io.mqpool.testing.RawClient;
import io.mqpool.testing.TestBroker;
import io.mqpool.testing.WorkerProcess;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Retries through the broker's delay queues, with a real worker JVM and the test task {@code flaky_square}. */
@Timeout(120)
class RetryIT {
    private static final String QUEUE = TestBroker.uniqueName("it.retry");
    private static WorkerProcess worker;
    private static Pool pool;

    @BeforeAll
    static void start() throws Exception {
        worker = WorkerProcess.started(TestBroker.url(), QUEUE, "--concurrency", "2");
        pool = Pool.create(PoolSettings.of(ConnectionSettings.of(TestBroker.url())).withQueue(QUEUE));
    }

    @AfterAll
    static void stop() throws Exception {
        if (pool != null) {
            pool.close();
        }
        worker.close();
        try (RawClient client = new RawClient()) {
            client.deleteTaskQueues(QUEUE);
        }
    }

    @Test
    void aFlakyTaskSucceedsOnItsThirdAttemptInInputOrder() {
        assertThat(pool.map("flaky_square", List.of(1, 2, 3), Long.class)).containsExactly(1L, 4L, 9L);
        assertThat(pool.map("flaky_square", List.of(1, 2, 3), Long.class, JobOptions.DEFAULTS.withChunkSize(3)))
                .as("the three retried together in one message").containsExactly(1L, 4L, 9L);
    }

    @Test
    void retriedItemsAreCountedApart() {
        List<JsonNode> args = Stream.of(5, 6, 7, 8).<JsonNode>map(n -> JsonNodeFactory.instance.arrayNode().add(n))
                .toList();
        try (JobHandle<Long> job = pool.start("flaky_square", args.iterator(), args.size(), Long.class,
                JobOptions.DEFAULTS.withChunkSize(2), true)) {
            assertThat(job.stream().map(Outcome::value).toList()).containsExactly(25L, 36L, 49L, 64L);
            assertThat(job.stats().retried()).isEqualTo(4);
            assertThat(job.stats().completed()).isEqualTo(4);
        }
    }

    @Test
    void maxAttemptsOneFailsAtOnceSayingOneAttemptRan() {
        assertThatThrownBy(() -> pool.map("flaky_square", List.of(4), Long.class, JobOptions.DEFAULTS.withMaxAttempts(1)))
                .isInstanceOfSatisfying(TaskFailedException.class, e -> {
                    assertThat(e.index()).isZero();
                    assertThat(e.error().code()).isEqualTo(ErrorCode.TASK_ERROR.name());
                    assertThat(e.error().message()).isEqualTo("flaky_square(4) failed on attempt 1 (after 1 attempt)");
                    assertThat(e.getMessage()).contains("item 0 failed").contains("(after 1 attempt)");
                });
        assertThatThrownBy(() -> pool.map("flaky_square", List.of(4), Long.class, JobOptions.DEFAULTS.withMaxAttempts(2)))
                .isInstanceOfSatisfying(TaskFailedException.class, e -> assertThat(e.error().message())
                        .isEqualTo("flaky_square(4) failed on attempt 2 (after 2 attempts)"));
    }

    @Test
    void aTaskWithoutAPolicyRetriesWhenTheCallAsksAndKeepsItsNeighboursInOrder() throws Exception {
        // sleep(-3) throws; with 2 attempts it is retried once (default backoff: at most 1 s) and then fails.
        List<JsonNode> args = Stream.of(1, -3, 2).<JsonNode>map(n -> JsonNodeFactory.instance.arrayNode().add(n))
                .toList();
        List<Outcome<Long>> outcomes;
        try (Stream<Outcome<Long>> stream = pool.outcomes("sleep", args.iterator(), 3, Long.class,
                JobOptions.DEFAULTS.withChunkSize(3).withMaxAttempts(2), true)) {
            outcomes = stream.toList();
        }
        assertThat(outcomes).extracting(Outcome::index).containsExactly(0L, 1L, 2L);
        assertThat(outcomes.get(0).value()).isEqualTo(1L);
        assertThat(outcomes.get(1).error().message()).endsWith("(after 2 attempts)");
        assertThat(outcomes.get(2).value()).isEqualTo(2L);
        assertThat(pool.submit("flaky_square", Long.class, JobOptions.DEFAULTS.withMaxAttempts(3), 12)
                .get(30, TimeUnit.SECONDS)).isEqualTo(144L);
        assertThatThrownBy(() -> pool.submit("flaky_square", Long.class, JobOptions.DEFAULTS.withMaxAttempts(1), 12)
                .get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).hasMessageContaining("(after 1 attempt)");
    }
}
