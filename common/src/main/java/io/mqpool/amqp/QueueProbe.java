package io.mqpool.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.Optional;

/**
 * Looks queues up by passive declares, which need no permission and change nothing. A lookup of a missing queue
 * makes the broker close the channel ({@code 404}), so the probe opens another one for the next lookup. Not
 * thread-safe; close it when done.
 */
public final class QueueProbe implements AutoCloseable {
    private final BrokerConnection connection;
    private Channel channel;

    public QueueProbe(BrokerConnection connection) {
        this.connection = connection;
    }

    /**
     * The counts of {@code queue}, or empty when it does not exist.
     *
     * @throws BrokerOperationException for any other refusal, or a lost connection
     */
    public Optional<QueueCounts> counts(String queue) {
        try {
            if (channel == null || !channel.isOpen()) {
                channel = connection.createChannel();
            }
            AMQP.Queue.DeclareOk ok = channel.queueDeclarePassive(queue);
            return Optional.of(new QueueCounts(queue, ok.getMessageCount(), ok.getConsumerCount()));
        } catch (IOException | RuntimeException e) {
            if (BrokerErrors.codeIn(e) == ReplyCode.NOT_FOUND) {
                return Optional.empty();
            }
            throw BrokerErrors.translate("cannot inspect queue '" + queue + "'", e);
        }
    }

    /** Whether {@code queue} exists. */
    public boolean exists(String queue) {
        return counts(queue).isPresent();
    }

    @Override
    public void close() {
        if (channel != null) {
            Channels.closeQuietly(channel, "probe");
            channel = null;
        }
    }
}
