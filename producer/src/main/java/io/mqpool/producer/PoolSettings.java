package io.mqpool.producer;

import io.mqpool.amqp.Shards;
import io.mqpool.amqp.Topology;
import io.mqpool.config.ConnectionSettings;
import io.mqpool.config.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link Pool} connects and where it sends work.
 *
 * @param connection broker connection settings
 * @param queue the task queue
 * @param deliveryLimit the task queue's delivery limit, used when this pool declares it
 * @param resultTtl how long the pool's result queue outlives its last consumer
 * @param poolId names the pool, in its logs, its job ids and its result queue {@code mqpool.results.<poolId>}
 *     (e.g. to narrow the broker permissions of a producer); null for a random id. It changes nothing in how
 *     results are delivered: to make a call resumable, use {@link JobOptions#withResumeKey(String)}
 * @param maxInFlightMessages task messages a job may have published and not yet returned
 * @param shards the task queues a job's messages are spread over ({@link Shards}), for workers that consume them
 *     all; 1 for the queue alone
 */
public record PoolSettings(
        ConnectionSettings connection,
        String queue,
        int deliveryLimit,
        Duration resultTtl,
        String poolId,
        int maxInFlightMessages,
        int shards) {
    /**
     * A quorum queue writes what arrives together as one batch of log entries, so its cost per message falls as more
     * are in flight: at chunk size 1 the broker spent 187 µs of CPU per task at 256 and 140 µs at 1,024 (the job's
     * items cap, not this, bounds the producer's memory when chunks are large).
     */
    public static final int DEFAULT_MAX_IN_FLIGHT_MESSAGES = 1_024;

    public PoolSettings {
        Objects.requireNonNull(connection, "connection");
        if (queue == null || queue.isBlank()) {
            throw new IllegalArgumentException("queue name must not be empty");
        }
        if (deliveryLimit < 1) {
            throw new IllegalArgumentException("delivery limit must be >= 1, got " + deliveryLimit);
        }
        Durations.requirePositive(resultTtl, "result TTL");
        if (poolId != null && !poolId.matches("[A-Za-z0-9_.-]{1,100}")) {
            throw new IllegalArgumentException("pool id must be 1-100 letters, digits, '_', '.' or '-', got '" + poolId + "'");
        }
        if (maxInFlightMessages < 1) {
            throw new IllegalArgumentException("max in-flight messages must be >= 1, got " + maxInFlightMessages);
        }
        Shards.require(shards);
    }

    /** Defaults for everything but the connection. */
    public static PoolSettings of(ConnectionSettings connection) {
        return new PoolSettings(connection, Topology.DEFAULT_TASK_QUEUE, Topology.DEFAULT_DELIVERY_LIMIT,
                Topology.DEFAULT_RESULT_TTL, null, DEFAULT_MAX_IN_FLIGHT_MESSAGES, 1);
    }

    public PoolSettings withQueue(String value) {
        return new PoolSettings(connection, value, deliveryLimit, resultTtl, poolId, maxInFlightMessages, shards);
    }

    public PoolSettings withPoolId(String value) {
        return new PoolSettings(connection, queue, deliveryLimit, resultTtl, value, maxInFlightMessages, shards);
    }

    public PoolSettings withMaxInFlightMessages(int value) {
        return new PoolSettings(connection, queue, deliveryLimit, resultTtl, poolId, value, shards);
    }

    /**
     * Spreads each job's task messages over {@code count} shards of the queue, 1..64: when one queue is the
     * ceiling. Workers must consume as many ({@code --shards N}).
     */
    public PoolSettings withShards(int count) {
        return new PoolSettings(connection, queue, deliveryLimit, resultTtl, poolId, maxInFlightMessages, count);
    }

    /** The task queues jobs are published to: the queue, then its other shards. */
    public List<String> queues() {
        return Shards.queues(queue, shards);
    }
}
