package io.mqpool.worker;

import io.mqpool.amqp.Delivery;
import io.mqpool.protocol.Protocol;

/** Which attempt a task message's delivery is, from the headers the queues, the solo move and the retries set. */
final class DeliveryCounts {
    /** Beyond any delivery limit or retry policy: a bound against nonsense headers. */
    private static final int MAX_COUNT = 1_000_000;

    private DeliveryCounts() {
    }

    /**
     * 1 on the first run of an item. A retry copy names its attempt in {@link Protocol#HEADER_ATTEMPT}; each earlier
     * delivery of this copy (quorum queues count them in {@code x-delivery-count}; a message moved to the solo queue
     * carries those from the task queue in {@link Protocol#HEADER_EARLIER_DELIVERIES}) counts one more.
     */
    static int attempt(Delivery d) {
        return retryAttempt(d) + deliveriesBefore(d);
    }

    /** The attempt a retry copy was sent for, or 1 for a message no worker sent back for a retry. */
    static int retryAttempt(Delivery d) {
        return Math.max(1, count(d, Protocol.HEADER_ATTEMPT));
    }

    /** Deliveries of this copy before this one, on the task queue and, for a solo message, the solo queue. */
    static int deliveriesBefore(Delivery d) {
        return redeliveries(d) + count(d, Protocol.HEADER_EARLIER_DELIVERIES);
    }

    /** Earlier deliveries from the queue this one came from: each a worker that died or gave the message back. */
    static int redeliveries(Delivery d) {
        return count(d, Protocol.HEADER_DELIVERY_COUNT);
    }

    private static int count(Delivery d, String name) {
        return d.header(name) instanceof Number n ? (int) Math.max(0, Math.min(MAX_COUNT, n.longValue())) : 0;
    }
}
