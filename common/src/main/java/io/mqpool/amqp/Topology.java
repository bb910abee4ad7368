package io.mqpool.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeoutException;

/** Declares the queues mqpool uses; see docs/PROTOCOL.md for their names and arguments. */
public final class Topology {
    /** The task queue's default name. */
    public static final String DEFAULT_TASK_QUEUE = "mqpool.tasks";
    /** Deliveries of one task message after which the broker dead-letters it. */
    public static final int DEFAULT_DELIVERY_LIMIT = 5;
    /** How long an unused result queue lives. */
    public static final Duration DEFAULT_RESULT_TTL = Duration.ofMinutes(30);
    private static final String RESULT_QUEUE_PREFIX = "mqpool.results.";

    private Topology() {
    }

    /** The dead-letter queue of a task queue. */
    public static String deadLetterQueue(String taskQueue) {
        return taskQueue + ".dead";
    }

    /** Where dead-lettered messages that no one can answer are kept for an operator. */
    public static String parkingQueue(String taskQueue) {
        return taskQueue + ".parked";
    }

    /** The result queue of a job or pool id. */
    public static String resultQueue(String id) {
        return RESULT_QUEUE_PREFIX + id;
    }

    /** Longest the parking queue grows; the oldest parked messages are dropped beyond it. */
    public static final int PARKING_MAX_LENGTH = 100_000;

    /**
     * Makes sure the task queue and its companions exist. An existing task queue is used as it is, so
     * producers and workers with other settings (say, another delivery limit) never clash over its arguments.
     *
     * @return true if this call created the task queue
     */
    public static boolean ensureTaskQueue(Connection connection, String queue, int deliveryLimit)
            throws IOException, TimeoutException {
        boolean exists;
        Channel probe = connection.createChannel();
        try {
            probe.queueDeclarePassive(queue);
            exists = true;
        } catch (IOException e) {
            exists = false; // 404 NOT_FOUND closes the probe channel.
        } finally {
            if (probe.isOpen()) {
                probe.close();
            }
        }
        Channel channel = connection.createChannel();
        try {
            if (exists) {
                declareCompanions(channel, queue);
            } else {
                declareTaskQueue(channel, queue, deliveryLimit);
            }
        } finally {
            if (channel.isOpen()) {
                channel.close();
            }
        }
        return !exists;
    }

    private static void declareCompanions(Channel channel, String queue) throws IOException {
        channel.queueDeclare(parkingQueue(queue), true, false, false, Map.of(
                "x-queue-type", "classic",
                "x-max-length", PARKING_MAX_LENGTH));
        channel.queueDeclare(deadLetterQueue(queue), true, false, false, Map.of("x-queue-type", "classic"));
    }

    /** Declares a quorum task queue with an explicit delivery limit, its dead-letter and parking queues. */
    public static void declareTaskQueue(Channel channel, String queue, int deliveryLimit) throws IOException {
        declareCompanions(channel, queue);
        channel.queueDeclare(queue, true, false, false, Map.of(
                "x-queue-type", "quorum",
                "x-delivery-limit", deliveryLimit,
                "x-dead-letter-exchange", "",
                "x-dead-letter-routing-key", deadLetterQueue(queue)));
    }

    /** Declares a durable result queue that the broker deletes after {@code ttl} without consumers. */
    public static void declareResultQueue(Channel channel, String queue, Duration ttl) throws IOException {
        channel.queueDeclare(queue, true, false, false, Map.of(
                "x-queue-type", "classic",
                "x-expires", Math.toIntExact(ttl.toMillis())));
    }
}
