package io.mqpool.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
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

    /**
     * Where task messages that came back from a worker that died (or gave them up) wait to be run one at a
     * time, so that a task that kills its worker can no longer take innocent neighbours down with it.
     */
    public static String soloQueue(String taskQueue) {
        return taskQueue + ".solo";
    }

    /** Where dead-lettered messages that no one can answer are kept for an operator. */
    public static String parkingQueue(String taskQueue) {
        return taskQueue + ".parked";
    }

    /** A task queue and every companion queue mqpool declares for it: what to delete to remove it all. */
    public static List<String> taskQueueFamily(String taskQueue) {
        return List.of(taskQueue, soloQueue(taskQueue), deadLetterQueue(taskQueue), parkingQueue(taskQueue));
    }

    /** Deletes a task queue and its companions: for tools and tests that made a private one. */
    public static void deleteTaskQueueFamily(Connection connection, String taskQueue)
            throws IOException, TimeoutException {
        onChannel(connection, channel -> {
            for (String q : taskQueueFamily(taskQueue)) {
                channel.queueDelete(q);
            }
        });
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
        boolean exists = exists(connection, queue);
        onChannel(connection, channel -> {
            if (exists) {
                declareCompanions(channel, queue);
            } else {
                declareTaskQueue(channel, queue, deliveryLimit);
            }
        });
        return !exists;
    }

    private interface ChannelWork {
        void run(Channel channel) throws IOException;
    }

    /** Runs {@code work} on a channel of its own, closed after unless the broker closed it (a refused declare). */
    private static void onChannel(Connection connection, ChannelWork work) throws IOException, TimeoutException {
        Channel channel = connection.createChannel();
        try {
            work.run(channel);
        } finally {
            if (channel.isOpen()) {
                channel.close();
            }
        }
    }

    private static boolean exists(Connection connection, String queue) throws IOException, TimeoutException {
        Channel probe = connection.createChannel();
        try {
            probe.queueDeclarePassive(queue);
            return true;
        } catch (IOException e) {
            return false; // 404 NOT_FOUND closes the probe channel.
        } finally {
            if (probe.isOpen()) {
                probe.close();
            }
        }
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
        channel.queueDeclare(queue, true, false, false, quorumArguments(queue, deliveryLimit));
    }

    /**
     * Makes sure the solo queue of a task queue exists: a quorum queue that dead-letters to the task queue's
     * dead-letter queue. A message reaches it after one return from the task queue, and the move itself is a
     * delivery that runs nothing, so a limit one lower keeps a message's runs at {@code deliveryLimit + 1}, as
     * on the task queue alone. An existing solo queue is used as it is.
     */
    public static void ensureSoloQueue(Connection connection, String taskQueue, int deliveryLimit)
            throws IOException, TimeoutException {
        String solo = soloQueue(taskQueue);
        if (exists(connection, solo)) {
            return;
        }
        onChannel(connection, channel -> channel.queueDeclare(solo, true, false, false,
                quorumArguments(taskQueue, Math.max(0, deliveryLimit - 1))));
    }

    private static Map<String, Object> quorumArguments(String taskQueue, int deliveryLimit) {
        return Map.of(
                "x-queue-type", "quorum",
                "x-delivery-limit", deliveryLimit,
                "x-dead-letter-exchange", "",
                "x-dead-letter-routing-key", deadLetterQueue(taskQueue));
    }

    /** Declares a durable result queue that the broker deletes after {@code ttl} without consumers. */
    public static void declareResultQueue(Channel channel, String queue, Duration ttl) throws IOException {
        channel.queueDeclare(queue, true, false, false, Map.of(
                "x-queue-type", "classic",
                "x-expires", Math.toIntExact(ttl.toMillis())));
    }
}
