package io.mqpool.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer of a {@link QueueSubscription}: hands each delivery to the listener, and reports its end. Called on
 * the client's consumer threads, in delivery order.
 */
final class QueueConsumer extends DefaultConsumer {
    private static final Logger log = LoggerFactory.getLogger(QueueConsumer.class);

    private final String queue;
    private final ChannelAcks acks;
    private final QueueSubscription.Listener listener;
    private final Consumer<QueueConsumer> cancelledByBroker;
    /** Completes at the cancel-ok or the broker's cancel: every delivery before it has reached the listener. */
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    /** Cancelled by the broker, or never subscribed: it receives nothing more. */
    private volatile boolean gone;

    QueueConsumer(Channel channel, String queue, ChannelAcks acks, QueueSubscription.Listener listener,
                  Consumer<QueueConsumer> cancelledByBroker) {
        super(channel);
        this.queue = queue;
        this.acks = acks;
        this.listener = listener;
        this.cancelledByBroker = cancelledByBroker;
    }

    boolean gone() {
        return gone;
    }

    void neverSubscribed() {
        gone = true;
    }

    CompletableFuture<Void> ended() {
        return ended;
    }

    @Override
    public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
        acks.delivered(envelope.getDeliveryTag());
        try {
            listener.delivered(new Delivery(AmqpProperties.fromBasic(props), body, envelope.isRedeliver(),
                    envelope.getDeliveryTag(), acks));
        } catch (RuntimeException e) {
            // An exception escaping here would close the channel, and consumption would stop silently.
            log.error("listener of {} failed on a delivery; it goes back to the queue", queue, e);
            try {
                acks.settle(envelope.getDeliveryTag(), DeliveryChannel.Settlement.REQUEUE);
            } catch (RuntimeException ignored) {
                // The channel is gone; the broker requeues it.
            }
        }
    }

    @Override
    public void handleCancelOk(String consumerTag) {
        ended.complete(null);
    }

    @Override
    public void handleCancel(String consumerTag) {
        gone = true;
        ended.complete(null);
        cancelledByBroker.accept(this);
    }
}
