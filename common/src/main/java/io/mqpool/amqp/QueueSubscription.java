package io.mqpool.amqp;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import io.mqpool.RootCause;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer of one queue, with manual acknowledgements, on a channel of its own. It subscribes again after
 * the broker closed the channel or cancelled the consumer (the queue was deleted, say), changes its prefetch,
 * and cancels for a stop; a lost connection is the client's to recover. Re-subscriptions run on the given
 * scheduler. Thread-safe.
 */
public final class QueueSubscription implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(QueueSubscription.class);
    private static final long CANCEL_WAIT_SECONDS = 5;

    /** Receives what the subscription gets; called on the client's consumer threads, must not throw. */
    public interface Listener {
        void delivered(Delivery delivery);

        /**
         * The broker closed the channel (not the connection, which the client recovers): every delivery unsettled
         * on {@code channel} is back in the queue. Called before subscribing again.
         */
        default void channelClosed(DeliveryChannel channel, BrokerOperationException cause) {
        }
    }

    private final ChannelOpener opener;
    private final SubscriptionSettings settings;
    private final Listener listener;
    private final ScheduledExecutorService scheduler;
    private final Object lock = new Object();
    private final AtomicBoolean retryPending = new AtomicBoolean();
    private volatile boolean stopped;
    // Guarded by lock; volatile for the callbacks' reads.
    private volatile Channel channel;
    private volatile QueueConsumer consumer;
    private ChannelAcks acks;
    private String tag;
    private int prefetch;
    private long consumers;

    public QueueSubscription(BrokerConnection connection, SubscriptionSettings settings, Listener listener,
                             ScheduledExecutorService scheduler) {
        this(connection::createChannel, settings, listener, scheduler);
    }

    QueueSubscription(ChannelOpener opener, SubscriptionSettings settings, Listener listener, ScheduledExecutorService scheduler) {
        this.opener = opener;
        this.settings = settings;
        this.listener = listener;
        this.scheduler = scheduler;
        this.prefetch = settings.prefetch();
    }

    /**
     * Subscribes.
     *
     * @throws BrokerOperationException when the broker refuses (a missing queue: {@link ReplyCode#NOT_FOUND})
     */
    public void start() {
        synchronized (lock) {
            try {
                subscribe();
            } catch (IOException | RuntimeException e) {
                throw BrokerErrors.translate("cannot consume queue '" + settings.queue() + "'", e);
            }
        }
    }

    private void subscribe() throws IOException {
        Channel c = channel;
        if (c == null || !c.isOpen()) {
            Channel opened = opener.open();
            ChannelAcks openedAcks = new ChannelAcks(opened, settings.ackBatchDelay(), scheduler);
            opened.addShutdownListener(cause -> {
                openedAcks.channelLost();
                onShutdown(opened, openedAcks, cause);
            });
            channel = opened;
            acks = openedAcks;
            c = opened;
        }
        c.basicQos(prefetch);
        acks.prefetch(prefetch);
        consume(c);
    }

    private void consume(Channel c) throws IOException {
        QueueConsumer next = new QueueConsumer(c, acks);
        consumer = next;
        try {
            tag = c.basicConsume(settings.queue(), false, settings.consumerTag() + "." + settings.queue() + "." + ++consumers,
                    next);
        } catch (IOException | RuntimeException e) {
            next.gone = true;
            throw e;
        }
    }

    private void onShutdown(Channel c, ChannelAcks closedAcks, ShutdownSignalException cause) {
        if (stopped || cause.isHardError() || cause.isInitiatedByApplication() || c != channel) {
            return;
        }
        listener.channelClosed(closedAcks, BrokerErrors.closed(cause));
        resubscribeLater();
    }

    private void resubscribeLater() {
        if (stopped || !retryPending.compareAndSet(false, true)) {
            return;
        }
        scheduler.schedule(this::resubscribe, settings.resubscribeDelay().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void resubscribe() {
        synchronized (lock) {
            retryPending.set(false);
            QueueConsumer current = consumer;
            Channel c = channel;
            if (stopped || (c != null && c.isOpen() && current != null && !current.gone)) {
                return;
            }
            try {
                subscribe();
                log.info("consuming {} again", settings.queue());
            } catch (IOException | RuntimeException e) {
                log.warn("cannot consume {} again yet: {}", settings.queue(), RootCause.message(e));
                resubscribeLater();
            }
        }
    }

    /** The prefetch in force, or wanted for the next subscription. */
    public int prefetch() {
        synchronized (lock) {
            return prefetch;
        }
    }

    /**
     * Changes the prefetch. Quorum queues apply a new prefetch only to a new consumer, so this subscribes again on
     * the same channel, then cancels the old consumer; deliveries not yet settled stay valid. In that order, a
     * connection lost midway leaves a consumer the client recovers (a cancel first would forget the old one).
     */
    public void setPrefetch(int wanted) {
        synchronized (lock) {
            int before = prefetch;
            Channel c = channel;
            if (wanted == before || stopped) {
                return;
            }
            prefetch = wanted;
            if (c == null || !c.isOpen() || retryPending.get() || consumer == null || consumer.gone) {
                return; // The next subscription uses it.
            }
            String oldTag = tag;
            QueueConsumer old = consumer;
            try {
                c.basicQos(wanted);
                acks.prefetch(wanted);
                consume(c);
            } catch (IOException | RuntimeException e) {
                consumer = old;  // still consuming, and recovered with the connection
                tag = oldTag;
                log.warn("cannot change the prefetch on {} to {}: {}", settings.queue(), wanted, RootCause.message(e));
                return;
            }
            try {
                c.basicCancel(oldTag);
                log.debug("prefetch {} -> {} on {}", before, wanted, settings.queue());
            } catch (IOException | RuntimeException e) {
                // The client forgot the old consumer before sending the cancel: a recovery restores the new one only.
                log.debug("cancel of the old consumer of {} failed: {}", settings.queue(), e.toString());
            }
        }
    }

    /**
     * Stops for good: cancels the consumer and waits (up to 5 s) for the broker's cancel-ok. Deliveries dispatched
     * before it reach the listener first, so once this returns the listener has had every delivery it will get.
     * The channel stays open for settling them. Idempotent.
     */
    public void cancel() throws InterruptedException {
        stopped = true;
        synchronized (lock) {
            Channel c = channel;
            QueueConsumer current = consumer;
            if (c == null || !c.isOpen() || tag == null || current == null || current.gone) {
                return;
            }
            try {
                c.basicCancel(tag);
                current.cancelled.await(CANCEL_WAIT_SECONDS, TimeUnit.SECONDS);
            } catch (IOException | RuntimeException e) {
                log.debug("cancel on {} failed: {}", settings.queue(), e.toString());
            }
        }
    }

    /**
     * Stops for good, sends the acks still batched, and closes the channel: what is not settled yet goes back to the
     * queue. For a consumer whose deliveries need no settling after it stops. Idempotent.
     */
    @Override
    public void close() {
        stopped = true;
        synchronized (lock) {
            Channel c = channel;
            if (c != null && c.isOpen()) {
                acks.flushQuietly();
                Channels.closeQuietly(c, "consumer of " + settings.queue());
            }
        }
    }

    private final class QueueConsumer extends DefaultConsumer {
        private final ChannelAcks acks;
        private final CountDownLatch cancelled = new CountDownLatch(1);
        /** Cancelled by the broker, or never subscribed: it receives nothing more. */
        private volatile boolean gone;

        QueueConsumer(Channel channel, ChannelAcks acks) {
            super(channel);
            this.acks = acks;
        }

        @Override
        public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
            acks.delivered(envelope.getDeliveryTag());
            try {
                listener.delivered(new Delivery(AmqpProperties.fromBasic(props), body, envelope.isRedeliver(),
                        envelope.getDeliveryTag(), acks));
            } catch (RuntimeException e) {
                // An exception escaping here would close the channel, and consumption would stop silently.
                log.error("listener of {} failed on a delivery; it goes back to the queue", settings.queue(), e);
                try {
                    acks.settle(envelope.getDeliveryTag(), DeliveryChannel.Settlement.REQUEUE);
                } catch (RuntimeException ignored) {
                    // The channel is gone; the broker requeues it.
                }
            }
        }

        @Override
        public void handleCancelOk(String consumerTag) {
            cancelled.countDown();
        }

        @Override
        public void handleCancel(String consumerTag) {
            gone = true;
            cancelled.countDown();
            if (!stopped && this == consumer) {
                log.warn("broker cancelled the consumer of {} (queue deleted?); subscribing again", settings.queue());
                resubscribeLater();
            }
        }
    }
}
