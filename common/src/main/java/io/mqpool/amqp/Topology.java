package io.mqpool.amqp;

import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;

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

    /** The result queue of a job or pool id. */
    public static String resultQueue(String id) {
        return RESULT_QUEUE_PREFIX + id;
    }

    /** Declares a quorum task queue with an explicit delivery limit, and its dead-letter queue. */
    public static void declareTaskQueue(Channel channel, String queue, int deliveryLimit) throws IOException {
        String dead = deadLetterQueue(queue);
        channel.queueDeclare(dead, true, false, false, Map.of("x-queue-type", "classic"));
        channel.queueDeclare(queue, true, false, false, Map.of(
                "x-queue-type", "quorum",
                "x-delivery-limit", deliveryLimit,
                "x-dead-letter-exchange", "",
                "x-dead-letter-routing-key", dead));
    }

    /** Declares a durable result queue that the broker deletes after {@code ttl} without consumers. */
    public static void declareResultQueue(Channel channel, String queue, Duration ttl) throws IOException {
        channel.queueDeclare(queue, true, false, false, Map.of(
                "x-queue-type", "classic",
                "x-expires", Math.toIntExact(ttl.toMillis())));
    }
}
