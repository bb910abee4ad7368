package io.mqpool.amqp;

/** The channel a {@link Delivery} arrived on, where it is settled. Thread-safe. */
public interface DeliveryChannel {
    /** How a delivery is settled. */
    enum Settlement {
        /** Done with; the broker forgets it. */
        ACK,
        /** Rejected without requeue: the queue dead-letters it. */
        REJECT,
        /** Given back to the queue. */
        REQUEUE
    }

    /** False once the channel is closed: the broker has then taken back every delivery unsettled on it. */
    boolean isOpen();

    /**
     * Settles one delivery.
     *
     * @throws BrokerOperationException when the channel refuses
     */
    void settle(long deliveryTag, Settlement how);
}
