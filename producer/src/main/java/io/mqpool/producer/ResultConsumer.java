package io.mqpool.producer;

import io.mqpool.amqp.Delivery;
import io.mqpool.amqp.DeliveryChannel;
import io.mqpool.amqp.QueueSubscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes one result queue, through a {@link QueueSubscription} (which subscribes again after the broker closed
 * its channel or cancelled it): hands every message to the router, and acknowledges it once handled, unless the
 * results must outlive this process (a resumable job's, left unacknowledged until the job ends and its queue is
 * deleted). Runs on the client's consumer threads. Thread-safe.
 */
final class ResultConsumer implements QueueSubscription.Listener {
    /** Prefetch for a queue whose messages stay unacknowledged: they must not stall delivery. */
    static final int UNLIMITED = 0;
    private static final Logger log = LoggerFactory.getLogger(ResultConsumer.class);

    private final ResultRouter router;
    private final boolean acknowledge;

    ResultConsumer(ResultRouter router, boolean acknowledge) {
        this.router = router;
        this.acknowledge = acknowledge;
    }

    /** The router never throws: a result it cannot handle fails its job. */
    @Override
    public void delivered(Delivery delivery) {
        router.handle(delivery.properties().correlationId(), delivery.header(TaskPublication.HEADER_MARKER) != null,
                delivery.body());
        if (!acknowledge) {
            return;
        }
        try {
            delivery.settle(DeliveryChannel.Settlement.ACK);
        } catch (RuntimeException e) {
            log.debug("result ack failed: {}", e.toString());
        }
    }
}
