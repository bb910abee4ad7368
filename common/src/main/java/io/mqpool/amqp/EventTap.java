package io.mqpool.amqp;

import com.rabbitmq.client.BuiltinExchangeType;
import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens to the worker events on {@link Topology#EVENTS_EXCHANGE}: a server-named, exclusive, auto-delete queue
 * bound with {@code worker.#}, whose messages expire ({@code x-message-ttl}) and which the broker deletes when it
 * is left unused ({@code x-expires}), so that a listener that dies leaves nothing behind. Each body goes to the
 * sink on the client's consumer thread; the sink must not throw. Closing it deletes the queue.
 */
public final class EventTap implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EventTap.class);
    /** Events older than this are of no use to a listener: a heartbeat is due every 2 s. */
    static final Duration MESSAGE_TTL = Duration.ofSeconds(10);
    /** How long the broker keeps the queue once nothing consumes it (the listener's connection was cut). */
    static final Duration QUEUE_EXPIRES = Duration.ofSeconds(60);

    private final Channel channel;
    private final String queue;
    private final AtomicBoolean closed = new AtomicBoolean();

    private EventTap(Channel channel, String queue) {
        this.channel = channel;
        this.queue = queue;
    }

    /**
     * Declares the exchange (durable topic, idempotently) and the listening queue, and starts consuming.
     *
     * @throws BrokerOperationException when the broker refuses
     */
    public static EventTap open(BrokerConnection connection, Consumer<byte[]> sink) {
        Channel channel = null;
        try {
            channel = connection.createChannel();
            declareExchange(channel);
            String queue = channel.queueDeclare("", false, true, true, Map.of(
                    "x-message-ttl", Math.toIntExact(MESSAGE_TTL.toMillis()),
                    "x-expires", Math.toIntExact(QUEUE_EXPIRES.toMillis()))).getQueue();
            channel.queueBind(queue, Topology.EVENTS_EXCHANGE, "worker.#");
            channel.basicConsume(queue, true, (tag, delivery) -> sink.accept(delivery.getBody()), tag -> { });
            log.debug("listening to worker events on {}", queue);
            return new EventTap(channel, queue);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                Channels.closeQuietly(channel, "events");
            }
            throw BrokerErrors.translate("cannot listen to worker events on '" + Topology.EVENTS_EXCHANGE + "'", e);
        }
    }

    /** Declares {@link Topology#EVENTS_EXCHANGE} as every party does: durable, topic, not auto-deleted. */
    static void declareExchange(Channel channel) throws IOException {
        channel.exchangeDeclare(Topology.EVENTS_EXCHANGE, BuiltinExchangeType.TOPIC, true, false, Map.of());
    }

    /** The server-named queue this tap reads. */
    public String queue() {
        return queue;
    }

    /** Stops consuming; the broker deletes the exclusive queue with the channel. Idempotent. */
    @Override
    public void close() {
        if (closed.getAndSet(true)) {
            return;
        }
        try {
            if (channel.isOpen()) {
                channel.queueDelete(queue);
            }
        } catch (IOException | RuntimeException e) {
            log.debug("deleting event queue {} failed: {}", queue, e.toString());
        }
        Channels.closeQuietly(channel, "events");
    }
}
