package io.mqpool.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes transient messages (delivery mode 1) to one durable topic exchange, without confirms: for telemetry
 * such as worker events, where a message lost now and then costs nothing and waiting for the broker would. Its
 * channel is restored with the connection after a loss; a publish meanwhile fails. Thread-safe.
 */
public final class TransientPublisher implements AutoCloseable {
    private static final int TRANSIENT = 1;

    private final Channel channel;
    private final String exchange;
    private final String owner;
    private final AtomicBoolean closed = new AtomicBoolean();

    private TransientPublisher(Channel channel, String exchange, String owner) {
        this.channel = channel;
        this.exchange = exchange;
        this.owner = owner;
    }

    /**
     * Declares the durable topic exchange {@code exchange} (declaring an existing one as it is changes nothing)
     * and opens a channel to publish to it.
     *
     * @param owner who publishes, for the logs
     * @throws BrokerOperationException when the broker refuses the declaration or the channel
     */
    public static TransientPublisher open(BrokerConnection connection, String exchange, String owner) {
        Channel channel = null;
        try {
            channel = connection.createChannel();
            channel.exchangeDeclare(exchange, BuiltinExchangeType.TOPIC, true);
            return new TransientPublisher(channel, exchange, owner);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                Channels.closeQuietly(channel, owner);
            }
            throw BrokerErrors.translate("cannot declare exchange '" + exchange + "'", e);
        }
    }

    /**
     * Publishes one transient message, not mandatory, that the broker drops after {@code ttlMillis} in a queue.
     *
     * @throws BrokerOperationException when it could not be handed to the connection (say it is lost, or closed)
     */
    public void publish(String routingKey, String contentType, long ttlMillis, byte[] body) {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder().contentType(contentType)
                .deliveryMode(TRANSIENT).expiration(Long.toString(ttlMillis)).build();
        try {
            synchronized (channel) {
                channel.basicPublish(exchange, routingKey, false, props, body);
            }
        } catch (IOException | RuntimeException e) {
            throw BrokerErrors.translate("cannot publish to exchange '" + exchange + "'", e);
        }
    }

    /** Whether the channel is open now: false while the connection is lost, and after a close. */
    public boolean isOpen() {
        return !closed.get() && channel.isOpen();
    }

    /** Closes the channel. Idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Channels.closeQuietly(channel, owner);
        }
    }
}
