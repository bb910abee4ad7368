package io.mqpool.worker;

import io.mqpool.amqp.Delivery;

/** Settles deliveries, each exactly once, and counts those opened and not yet settled. Thread-safe. */
interface Settler {
    /** A delivery was received: it counts as open until it is settled. */
    void opened();

    void ack(Delivery d);

    /** Rejects without requeue: the queue dead-letters it. */
    void deadLetter(Delivery d, String why);

    void requeue(Delivery d);

    /** Requeues after a pause, so that a message that cannot be handled now does not spin. */
    void requeueLater(Delivery d);
}
