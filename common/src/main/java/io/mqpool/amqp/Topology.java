package io.mqpool.amqp;

import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Declares the queues mqpool uses; see docs/PROTOCOL.md for their names and arguments. Every method that talks to
 * the broker throws {@link BrokerOperationException}, classified by the broker's reply code.
 */
public final class Topology {
    /** The task queue's default name. */
    public static final String DEFAULT_TASK_QUEUE = "mqpool.tasks";
    /** The topic exchange of worker events ({@code io.mqpool.protocol.WorkerEvent}), durable; the events are not. */
    public static final String EVENTS_EXCHANGE = "mqpool.events";
    /** Deliveries of one task message after which the broker dead-letters it. */
    public static final int DEFAULT_DELIVERY_LIMIT = 5;
    /** How long an unused result queue lives. */
    public static final Duration DEFAULT_RESULT_TTL = Duration.ofMinutes(30);
    private static final String RESULT_QUEUE_PREFIX = "mqpool.results.";
    private static final String RETRY_QUEUE_INFIX = ".retry.";
    /** A 1-2-5 series, so that a delay is rounded down by at most 2.5 times; up to 5.6 hours. */
    private static final long[] RETRY_DELAYS_MS = retryLadder(10, 20_000_000);

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

    /**
     * The delay queue of a task queue for retries after {@code delayMs}, one of {@link #retryDelays()}: what is
     * published to it expires after that long and is dead-lettered back to the task queue.
     */
    public static String retryQueue(String taskQueue, long delayMs) {
        if (Arrays.binarySearch(RETRY_DELAYS_MS, delayMs) < 0) {
            throw new IllegalArgumentException("no retry queue for a delay of " + delayMs + " ms; the delays are "
                    + retryDelays());
        }
        return taskQueue + RETRY_QUEUE_INFIX + delayMs;
    }

    /** The delays of the retry queues, in milliseconds: 10, 20, 50, 100, 200, 500, 1000, ... up to 20,000,000. */
    public static List<Long> retryDelays() {
        return Arrays.stream(RETRY_DELAYS_MS).boxed().toList();
    }

    /** The longest retry-queue delay not above {@code delayMs}, or 0 below the shortest: send such a retry at once. */
    public static long retryDelay(long delayMs) {
        long best = 0;
        for (long d : RETRY_DELAYS_MS) {
            if (d <= delayMs) {
                best = d;
            }
        }
        return best;
    }

    /** A task queue and every companion queue mqpool declares for it: what to delete to remove it all. */
    public static List<String> taskQueueFamily(String taskQueue) {
        List<String> family = new ArrayList<>(List.of(taskQueue, soloQueue(taskQueue), deadLetterQueue(taskQueue),
                parkingQueue(taskQueue)));
        for (long d : RETRY_DELAYS_MS) {
            family.add(retryQueue(taskQueue, d));
        }
        return List.copyOf(family);
    }

    /**
     * Deletes a task queue and its companions: for tools and tests that made a private one.
     *
     * @throws BrokerOperationException when the broker refuses
     */
    public static void deleteTaskQueueFamily(BrokerConnection connection, String taskQueue) {
        OwnChannel.run(connection::createChannel, "cannot delete queue '" + taskQueue + "'", channel -> {
            for (String q : taskQueueFamily(taskQueue)) {
                channel.queueDelete(q);
            }
        });
    }

    /**
     * Deletes one queue, whatever it holds.
     *
     * @throws BrokerOperationException when the broker refuses
     */
    public static void deleteQueue(BrokerConnection connection, String queue) {
        OwnChannel.run(connection::createChannel, "cannot delete queue '" + queue + "'",
                channel -> channel.queueDelete(queue));
    }

    /** The result queue of a job or pool id. */
    public static String resultQueue(String id) {
        return RESULT_QUEUE_PREFIX + id;
    }

    /** Longest the parking queue grows; the oldest parked messages are dropped beyond it. */
    public static final int PARKING_MAX_LENGTH = 100_000;

    /**
     * Makes sure the task queue and its companions exist. An existing queue is used as it is, so producers and
     * workers with other settings (say, another delivery limit), or queues declared by an earlier version (classic
     * companions), never clash over its arguments.
     *
     * @return true if this call created the task queue
     * @throws BrokerOperationException when the broker refuses (say {@link ReplyCode#ACCESS_REFUSED})
     */
    public static boolean ensureTaskQueue(BrokerConnection connection, String queue, int deliveryLimit) {
        ChannelOpener opener = connection::createChannel;
        ensureQueue(opener, parkingQueue(queue), companionArguments(Map.of("x-max-length", PARKING_MAX_LENGTH)));
        ensureQueue(opener, deadLetterQueue(queue), companionArguments(Map.of()));
        return ensureQueue(opener, queue, quorumArguments(queue, deliveryLimit));
    }

    /** Declares {@code queue} with {@code arguments} unless it exists; returns true if this call declared it. */
    private static boolean ensureQueue(ChannelOpener opener, String queue, Map<String, Object> arguments) {
        if (OwnChannel.queueExists(opener, queue)) {
            return false;
        }
        OwnChannel.run(opener, "cannot declare queue '" + queue + "'",
                channel -> channel.queueDeclare(queue, true, false, false, arguments));
        return true;
    }

    /**
     * The arguments of a quorum companion queue (dead letters, parking, retries): replicated like the task queue, so
     * that no node's loss makes it unavailable; an explicit delivery limit, since RabbitMQ 4 gives quorum queues a
     * default of 20, past which a message would be dropped.
     */
    private static Map<String, Object> companionArguments(Map<String, Object> more) {
        Map<String, Object> arguments = new java.util.HashMap<>(more);
        arguments.put("x-queue-type", "quorum");
        arguments.put("x-delivery-limit", COMPANION_DELIVERY_LIMIT);
        return Map.copyOf(arguments);
    }

    /** Declares a quorum task queue with an explicit delivery limit, its dead-letter and parking queues. */
    public static void declareTaskQueue(Channel channel, String queue, int deliveryLimit) {
        try {
            channel.queueDeclare(parkingQueue(queue), true, false, false,
                    companionArguments(Map.of("x-max-length", PARKING_MAX_LENGTH)));
            channel.queueDeclare(deadLetterQueue(queue), true, false, false, companionArguments(Map.of()));
            channel.queueDeclare(queue, true, false, false, quorumArguments(queue, deliveryLimit));
        } catch (IOException | RuntimeException e) {
            throw BrokerErrors.translate("cannot declare queue '" + queue + "'", e);
        }
    }

    /**
     * Makes sure the solo queue of a task queue exists: a quorum queue that dead-letters to the task queue's
     * dead-letter queue. A message reaches it after one return from the task queue, and the move itself is a
     * delivery that runs nothing, so a limit one lower keeps a message's runs at {@code deliveryLimit + 1}, as
     * on the task queue alone. An existing solo queue is used as it is.
     */
    public static void ensureSoloQueue(BrokerConnection connection, String taskQueue, int deliveryLimit) {
        ChannelOpener opener = connection::createChannel;
        String solo = soloQueue(taskQueue);
        if (OwnChannel.queueExists(opener, solo)) {
            return;
        }
        OwnChannel.run(opener, "cannot declare queue '" + solo + "'", channel -> channel.queueDeclare(solo, true,
                false, false, quorumArguments(taskQueue, Math.max(0, deliveryLimit - 1))));
    }

    /**
     * Makes sure the retry queue of {@code taskQueue} for {@code delayMs} exists: a quorum queue whose messages
     * expire after {@code delayMs} ({@code x-message-ttl}) and are then dead-lettered through the default exchange
     * back to the task queue. Every message of it has the same time to live, so the head always expires first and
     * none waits behind a longer one. An existing one is used as it is.
     *
     * @throws BrokerOperationException when the broker refuses (say {@link ReplyCode#ACCESS_REFUSED})
     */
    public static void declareRetryQueue(BrokerConnection connection, String taskQueue, long delayMs) {
        ensureQueue(connection::createChannel, retryQueue(taskQueue, delayMs), companionArguments(Map.of(
                "x-message-ttl", Math.toIntExact(delayMs),
                "x-dead-letter-exchange", "",
                "x-dead-letter-routing-key", taskQueue,
                "x-dead-letter-strategy", "at-least-once",
                "x-overflow", "reject-publish")));
    }

    private static long[] retryLadder(long from, long to) {
        List<Long> delays = new ArrayList<>();
        for (long decade = from; decade <= to; decade *= 10) {
            for (long step : new long[] {1, 2, 5}) {
                if (decade * step <= to) {
                    delays.add(decade * step);
                }
            }
        }
        return delays.stream().mapToLong(Long::longValue).toArray();
    }

    /**
     * A task or solo queue's arguments. Dead-lettering is at least once (RabbitMQ 3.10+; it needs
     * {@code reject-publish} overflow, which matters only with a length limit): a message over its delivery limit
     * stays in the queue until {@code .dead} confirms it, so that not even a node lost at that moment loses it.
     */
    private static Map<String, Object> quorumArguments(String taskQueue, int deliveryLimit) {
        return Map.of(
                "x-queue-type", "quorum",
                "x-delivery-limit", deliveryLimit,
                "x-dead-letter-exchange", "",
                "x-dead-letter-routing-key", deadLetterQueue(taskQueue),
                "x-dead-letter-strategy", "at-least-once",
                "x-overflow", "reject-publish");
    }

    /**
     * The delivery limit of result, dead-letter, parking and retry queues: high, since their messages come back only
     * when a consumer's channel closes before the ack (a producer that crashed, or resumed with its results unacked),
     * but explicit, since RabbitMQ 4 gives quorum queues a default limit of 20, past which a message is dropped.
     */
    public static final int COMPANION_DELIVERY_LIMIT = 1_000;

    /**
     * Makes sure of a durable result queue that the broker deletes after {@code ttl} without consumers: a quorum
     * queue, replicated like the task queue, so that on a cluster the loss of any one node loses no result. An
     * existing one (a classic queue of an earlier build, or one declared beforehand) is used as it is.
     *
     * @throws BrokerOperationException when the broker refuses
     */
    public static void declareResultQueue(BrokerConnection connection, String queue, Duration ttl) {
        ensureQueue(connection::createChannel, queue, resultArguments(ttl));
    }

    /** Declares a result queue as {@link #declareResultQueue(BrokerConnection, String, Duration)} makes one. */
    public static void declareResultQueue(Channel channel, String queue, Duration ttl) {
        try {
            channel.queueDeclare(queue, true, false, false, resultArguments(ttl));
        } catch (IOException | RuntimeException e) {
            throw BrokerErrors.translate("cannot declare queue '" + queue + "'", e);
        }
    }

    private static Map<String, Object> resultArguments(Duration ttl) {
        return Map.of("x-queue-type", "quorum", "x-delivery-limit", COMPANION_DELIVERY_LIMIT,
                "x-expires", Math.toIntExact(ttl.toMillis()));
    }

    /**
     * Messages ready in a queue.
     *
     * @throws BrokerOperationException when the broker refuses ({@link ReplyCode#NOT_FOUND}: no such queue)
     */
    public static long readyMessages(BrokerConnection connection, String queue) {
        long[] count = new long[1];
        OwnChannel.run(connection::createChannel, "cannot inspect queue '" + queue + "'",
                channel -> count[0] = channel.queueDeclarePassive(queue).getMessageCount());
        return count[0];
    }
}
