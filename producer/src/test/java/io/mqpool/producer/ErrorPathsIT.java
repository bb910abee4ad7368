package io.mqpool.producer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.rabbitmq.client.AMQP;
import io.mqpool.MqpoolException;
import io.mqpool.amqp.Topology;
import io.mqpool.config.ConnectionSettings;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.ErrorCode;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.Protocol;
import io.mqpool.protocol.RemoteError;
import io.mqpool.protocol.ResultMessage;
import io.mqpool.testing.RawClient;
import io.mqpool.testing.TestBroker;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The three error paths that used to hang or leak. No worker serves the task queue: the test plays the workers by
 * publishing result messages straight into the pool's result queue, so each path is reached deterministically.
 */
@Timeout(60)
class ErrorPathsIT {
    private static final Duration PROMPTLY = Duration.ofSeconds(10);

    private final String queue = TestBroker.uniqueName("it.errors");
    private final Codec codec = Codec.defaults();
    private final ExecutorService callers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "mqpool-test-caller");
        t.setDaemon(true);
        return t;
    });

    @AfterEach
    void cleanUp() throws Exception {
        callers.shutdownNow();
        try (RawClient client = new RawClient()) {
            client.deleteTaskQueues(queue);
        }
    }

    private Pool pool() {
        return Pool.create(PoolSettings.of(ConnectionSettings.of(TestBroker.url())).withQueue(queue));
    }

    /** Publishes, as a worker would, the results of job {@code job} into the pool's result queue. */
    private void reply(RawClient raw, Pool pool, ResultMessage message) throws Exception {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType(Protocol.CONTENT_TYPE)
                .correlationId(message.job()).build();
        raw.publish(Topology.resultQueue(pool.id()), props, codec.encode(message, "result message"));
    }

    private static ResultMessage cubes(String job, long... indices) {
        List<ItemResult> results = java.util.stream.LongStream.of(indices)
                .mapToObj(i -> ItemResult.ok(i, JsonNodeFactory.instance.numberNode((i + 1) * (i + 1) * (i + 1))))
                .toList();
        return ResultMessage.of(Protocol.VERSION, job, results);
    }

    @Test
    void resultThatCannotBeHandledFailsItsJobInsteadOfHangingIt() throws Exception {
        try (Pool pool = pool(); RawClient raw = new RawClient()) {
            Stream<Long> results = pool.imapUnordered("cube", List.of(1L, 2L), Long.class);
            CompletableFuture<List<Long>> all = inBackground(results);
            // A readable result that the job cannot take: an unordered job holds at most 2^31 - 1 indexes.
            reply(raw, pool, cubes(pool.id() + "-1", 3_000_000_000L));

            assertThat(all).failsWithin(PROMPTLY).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOf(MqpoolException.class)
                    .withMessageContaining("could not be handled");
        }
    }

    @Test
    void jobThatFailsClosesItselfAndStopsBufferingItsResults() throws Exception {
        try (Pool pool = pool(); RawClient raw = new RawClient()) {
            String failing = pool.id() + "-1";
            JobHandle<Long> job = pool.start("cube", args(4), 4, Long.class, JobOptions.DEFAULTS.withChunkSize(1), true);
            // Not closed by the caller: the stream that threw must close its job by itself.
            Stream<Outcome<Long>> outcomes = job.stream();
            CompletableFuture<List<Outcome<Long>>> all = CompletableFuture.supplyAsync(outcomes::toList, callers);
            reply(raw, pool, ResultMessage.failed(failing, RemoteError.of(ErrorCode.MALFORMED, "unreadable")));
            assertThat(all).failsWithin(PROMPTLY).withThrowableOfType(ExecutionException.class)
                    .havingCause().isInstanceOf(MqpoolException.class)
                    .withMessageContaining("could not read a task message of job " + failing);

            // Late results of the failed job, then a job behind them: once it is done, the late ones were handled.
            reply(raw, pool, cubes(failing, 1, 2, 3));
            CompletableFuture<List<Long>> next = inBackground(pool.imap("cube", List.of(1L, 2L), Long.class,
                    JobOptions.DEFAULTS.withChunkSize(2)));
            reply(raw, pool, cubes(pool.id() + "-2", 0, 1));
            assertThat(next).succeedsWithin(PROMPTLY).isEqualTo(List.of(1L, 8L));

            assertThat(job.stats().completed()).as("results after the failure are not buffered").isZero();
            assertThat(job.stats().reorderPeak()).isZero();
        }
    }

    @Test
    void blockingStageOfOneSubmitDoesNotStallTheResultsOfAnotherJob() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (Pool pool = pool(); RawClient raw = new RawClient()) {
            CompletableFuture<String> hello = pool.submit("greet", String.class, "Mahima");
            CompletableFuture<String> blocked = hello.thenApply(v -> {
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return v;
            });
            reply(raw, pool, ResultMessage.of(Protocol.VERSION, pool.id() + "-1",
                    List.of(ItemResult.ok(0, JsonNodeFactory.instance.textNode("Hello,Mahima")))));
            assertThat(hello).succeedsWithin(PROMPTLY).isEqualTo("Hello,Mahima");

            CompletableFuture<List<Long>> other = inBackground(pool.imap("cube", List.of(1L, 2L), Long.class,
                    JobOptions.DEFAULTS.withChunkSize(2)));
            reply(raw, pool, cubes(pool.id() + "-2", 0, 1));
            assertThat(other).as("results of another job while a submit's stage blocks")
                    .succeedsWithin(PROMPTLY).isEqualTo(List.of(1L, 8L));
            assertThat(blocked).isNotDone();
            release.countDown();
            assertThat(blocked).succeedsWithin(PROMPTLY).isEqualTo("Hello,Mahima");
        } finally {
            release.countDown();
        }
    }

    /** Reads a stream on another thread; the job is registered already, so replies may come at once. */
    private <T> CompletableFuture<List<T>> inBackground(Stream<T> stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return stream.toList();
            }
        }, callers);
    }

    private static java.util.Iterator<JsonNode> args(int n) {
        return java.util.stream.IntStream.range(0, n)
                .<JsonNode>mapToObj(i -> JsonNodeFactory.instance.arrayNode().add(i + 1)).iterator();
    }
}
