package io.mqpool.amqp;

/**
 * What a passive declare tells about a queue.
 *
 * @param ready messages ready for delivery (not those delivered and unacknowledged)
 * @param consumers consumers subscribed now
 */
public record QueueCounts(String queue, long ready, long consumers) {
    public QueueCounts {
        if (queue == null || ready < 0 || consumers < 0) {
            throw new IllegalArgumentException("queue counts need a name and non-negative counts");
        }
    }
}
