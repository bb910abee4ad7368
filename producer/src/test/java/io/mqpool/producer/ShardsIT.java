package io.mqpool.producer;

import static org.assertj.core.api.Assertions.assertThat;

import io.mqpool.amqp.Shards;
import io.mqpool.config.ConnectionSettings;
import io.mqpool.testing.RawClient;
import io.mqpool.testing.TestBroker;
import io.mqpool.testing.WorkerProcess;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A job spread over shards of its queue, served by real worker JVMs that consume every shard. */
@Timeout(180)
class ShardsIT {
    private static List<Long> cubes(long to) {
        return LongStream.rangeClosed(1, to).map(n -> n * n * n).boxed().toList();
    }

    private static PoolSettings settings(String queue, int shards) {
        return PoolSettings.of(ConnectionSettings.of(TestBroker.url())).withQueue(queue).withShards(shards);
    }

    @Test
    void aJobSpreadOverThreeShardsIsAnsweredInOrderEvenWhenAWorkerIsKilled() throws Exception {
        String queue = TestBroker.uniqueName("it.shards");
        try (WorkerProcess a = WorkerProcess.started(TestBroker.url(), queue, "--shards", "3", "--concurrency", "2");
             WorkerProcess b = WorkerProcess.started(TestBroker.url(), queue, "--shards", "3", "--concurrency", "2");
             Pool pool = Pool.create(settings(queue, 3));
             RawClient client = new RawClient()) {
            assertThat(pool.map("cube", LongStream.rangeClosed(1, 3_000).boxed().toList(), Long.class,
                    JobOptions.DEFAULTS.withChunkSize(1))).isEqualTo(cubes(3_000));
            // Eventually: a worker changing its prefetch subscribes anew before it cancels the old consumer, so for a
            // moment it has two (seen in CI: 3 on one shard).
            for (String shard : Shards.queues(queue, 3)) {
                org.awaitility.Awaitility.await("consumers of " + shard).atMost(Duration.ofSeconds(10))
                        .untilAsserted(() -> assertThat(client.channel().consumerCount(shard)).isEqualTo(2));
            }

            // Killed mid-job: what it held on every shard goes to the other worker.
            CompletableFuture<List<Long>> slow = CompletableFuture.supplyAsync(() -> pool.map("sleep",
                    LongStream.rangeClosed(1, 120).map(k -> 20).boxed().toList(), Long.class,
                    JobOptions.DEFAULTS.withChunkSize(1)));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30))
                    .until(() -> client.channel().messageCount(queue) < 40);
            a.kill();
            assertThat(slow.get(120, TimeUnit.SECONDS)).hasSize(120).containsOnly(20L);
        } finally {
            try (RawClient client = new RawClient()) {
                for (String shard : Shards.queues(queue, 3)) {
                    client.deleteTaskQueues(shard);
                }
            }
        }
    }
}
