package io.mqpool.worker;

import io.mqpool.amqp.Delivery;
import io.mqpool.protocol.Protocol;

/** How often a task message was delivered before, from the headers the queues and the solo move set. */
final class DeliveryCounts {
    private DeliveryCounts() {
    }

    /**
     * 1 on the first delivery. Quorum queues count earlier ones in {@code x-delivery-count}; a message moved to
     * the solo queue carries those from the task queue in {@link Protocol#HEADER_EARLIER_DELIVERIES}.
     */
    static int attempt(Delivery d) {
        return redeliveries(d) + count(d, Protocol.HEADER_EARLIER_DELIVERIES) + 1;
    }

    /** Earlier deliveries from the queue this one came from: each a worker that died or gave the message back. */
    static int redeliveries(Delivery d) {
        return count(d, Protocol.HEADER_DELIVERY_COUNT);
    }

    private static int count(Delivery d, String name) {
        return d.header(name) instanceof Number n ? Math.max(0, n.intValue()) : 0;
    }
}
