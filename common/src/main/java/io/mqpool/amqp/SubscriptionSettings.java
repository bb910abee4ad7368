package io.mqpool.amqp;

import io.mqpool.config.Durations;
import java.time.Duration;

/**
 * What a {@link QueueSubscription} subscribes, and how.
 *
 * @param consumerTag the prefix of the consumer tags ({@code PREFIX.QUEUE.N}), shown in the management UI. The
 *     client recovers consumers by tag, so two subscriptions to one queue on one connection need two prefixes
 * @param resubscribeDelay the pause before subscribing again after a close or a cancel
 */
public record SubscriptionSettings(String queue, int prefetch, String consumerTag, Duration resubscribeDelay,
                                   Duration ackBatchDelay) {
    public static final Duration DEFAULT_RESUBSCRIBE_DELAY = Duration.ofSeconds(1);
    /**
     * How long an ack may wait for others on a busy queue: a few acks of short tasks then settle as one, and a
     * prefetch slot stays taken at most this much longer.
     */
    public static final Duration DEFAULT_ACK_BATCH_DELAY = Duration.ofMillis(2);
    /**
     * Acks that wait only for the scheduler's next turn, taking with them whatever settled meanwhile: no time is
     * added, yet a burst of settlements (one confirm covering many results) goes as one {@code multiple} ack. For
     * consumers that may die at any moment (workers running users' tasks): their acks never wait long.
     */
    public static final Duration NEXT_TURN_ACK_BATCH_DELAY = Duration.ofNanos(1);

    public SubscriptionSettings {
        if (queue == null || queue.isBlank()) {
            throw new IllegalArgumentException("queue name must not be empty");
        }
        if (prefetch < 0 || prefetch > 65_535) {
            throw new IllegalArgumentException("prefetch must be 0..65535, got " + prefetch);
        }
        if (consumerTag == null || consumerTag.isBlank()) {
            throw new IllegalArgumentException("consumer tag must not be empty");
        }
        Durations.requirePositive(resubscribeDelay, "resubscribe delay");
        if (ackBatchDelay == null || ackBatchDelay.isNegative()) {
            throw new IllegalArgumentException("ack batch delay must be zero or positive, got " + ackBatchDelay);
        }
    }

    /** Acks sent one by one, at once. */
    public static SubscriptionSettings of(String queue, int prefetch, String consumerTag) {
        return new SubscriptionSettings(queue, prefetch, consumerTag, DEFAULT_RESUBSCRIBE_DELAY, Duration.ZERO);
    }

    /**
     * Acks that wait up to {@code delay} for others, to go out together as one {@code multiple} ack: for a busy
     * queue of short messages. Zero sends each at once.
     */
    public SubscriptionSettings withAckBatchDelay(Duration delay) {
        return new SubscriptionSettings(queue, prefetch, consumerTag, resubscribeDelay, delay);
    }
}
