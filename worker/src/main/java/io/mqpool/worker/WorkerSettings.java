package io.mqpool.worker;

import io.mqpool.amqp.Shards;
import io.mqpool.config.ConnectionSettings;
import io.mqpool.config.Durations;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a worker runs.
 *
 * @param connection broker connection settings
 * @param queue the task queue to consume
 * @param concurrency task threads
 * @param prefetch unacknowledged task messages the broker may push ahead, or 0 to adapt it to the task
 *     durations (see {@link PrefetchPolicy})
 * @param deliveryLimit deliveries of one task message before the broker dead-letters it
 * @param shutdownTimeout how long a stop waits for in-flight tasks
 * @param startupTimeout how long to keep retrying an unreachable broker at start, or null for ever
 * @param taskTimeout time limit of one item when neither the message nor the task sets one
 * @param workerId this worker's id in logs and result headers
 * @param runawayGrace how long a task thread abandoned past its time limit may go on after its interrupt before
 *     the worker takes it for a runaway that ignores interrupts, and stops (see {@link Worker#terminated()})
 * @param shards the task queues the queue is spread over ({@link Shards}), all consumed; 1 for the queue alone
 */
public record WorkerSettings(
        ConnectionSettings connection,
        String queue,
        int concurrency,
        int prefetch,
        int deliveryLimit,
        Duration shutdownTimeout,
        Duration startupTimeout,
        Duration taskTimeout,
        String workerId,
        Duration runawayGrace,
        int shards) {
    public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);
    /** Far below RabbitMQ's default consumer_timeout of 30 minutes. */
    public static final Duration DEFAULT_TASK_TIMEOUT = Duration.ofMinutes(10);
    /** Far more than a task that checks its interrupt needs to return once interrupted. */
    public static final Duration DEFAULT_RUNAWAY_GRACE = Duration.ofSeconds(5);

    public WorkerSettings {
        Objects.requireNonNull(connection, "connection");
        if (queue == null || queue.isBlank()) {
            throw new IllegalArgumentException("queue name must not be empty");
        }
        if (concurrency < 1 || concurrency > 1_024) {
            throw new IllegalArgumentException("concurrency must be 1..1024, got " + concurrency);
        }
        if (prefetch < 0 || prefetch > 65_535) {
            throw new IllegalArgumentException("prefetch must be 0 (adaptive) or 1..65535, got " + prefetch);
        }
        if (deliveryLimit < 1) {
            throw new IllegalArgumentException("delivery limit must be >= 1, got " + deliveryLimit);
        }
        Durations.requirePositive(shutdownTimeout, "shutdown timeout");
        if (startupTimeout != null) {
            Durations.requirePositive(startupTimeout, "startup timeout");
        }
        Durations.requirePositive(taskTimeout, "task timeout");
        if (workerId == null || workerId.isBlank()) {
            throw new IllegalArgumentException("worker id must not be empty");
        }
        Durations.requirePositive(runawayGrace, "runaway grace");
        Shards.require(shards);
    }

    /** The settings with the {@link #DEFAULT_RUNAWAY_GRACE}, on one queue. */
    public WorkerSettings(ConnectionSettings connection, String queue, int concurrency, int prefetch, int deliveryLimit,
                          Duration shutdownTimeout, Duration startupTimeout, Duration taskTimeout, String workerId) {
        this(connection, queue, concurrency, prefetch, deliveryLimit, shutdownTimeout, startupTimeout, taskTimeout,
                workerId, DEFAULT_RUNAWAY_GRACE, 1);
    }

    /** The same settings with another {@link #runawayGrace()}. */
    public WorkerSettings withRunawayGrace(Duration grace) {
        return new WorkerSettings(connection, queue, concurrency, prefetch, deliveryLimit, shutdownTimeout,
                startupTimeout, taskTimeout, workerId, grace, shards);
    }

    /** The same settings, consuming the queue spread over {@code count} shards. */
    public WorkerSettings withShards(int count) {
        return new WorkerSettings(connection, queue, concurrency, prefetch, deliveryLimit, shutdownTimeout,
                startupTimeout, taskTimeout, workerId, runawayGrace, count);
    }

    /** The settings of one of the {@link #queues()}: that queue, alone. */
    WorkerSettings onQueue(String shard) {
        return new WorkerSettings(connection, shard, concurrency, prefetch, deliveryLimit, shutdownTimeout,
                startupTimeout, taskTimeout, workerId, runawayGrace, 1);
    }

    /** The task queues consumed: the queue, then its other shards. */
    public List<String> queues() {
        return Shards.queues(queue, shards);
    }
}
