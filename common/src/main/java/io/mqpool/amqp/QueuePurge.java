package io.mqpool.amqp;

import java.io.IOException;

/** Empties a queue: for operators' tools. */
public final class QueuePurge {
    private QueuePurge() {
    }

    /**
     * Removes every ready message of {@code queue}; delivered, unacknowledged ones stay.
     *
     * @return how many were removed
     * @throws BrokerOperationException when the queue does not exist ({@link ReplyCode#NOT_FOUND}) or the broker
     *     refuses
     */
    public static long purge(BrokerConnection connection, String queue) {
        try {
            var channel = connection.createChannel();
            try {
                return channel.queuePurge(queue).getMessageCount();
            } finally {
                Channels.closeQuietly(channel, "purge");
            }
        } catch (IOException | RuntimeException e) {
            throw BrokerErrors.translate("cannot purge queue '" + queue + "'", e);
        }
    }
}
