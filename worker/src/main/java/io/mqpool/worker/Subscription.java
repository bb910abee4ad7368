package io.mqpool.worker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One consumer of one queue, on a channel of its own: it subscribes, subscribes again after the broker closed
 * the channel or cancelled the consumer, changes its prefetch, and cancels for a stop.
 *
 * <p>A worker's subscriptions share one lock, so a re-subscription or prefetch change in progress completes
 * before a stop's cancel, and none starts after it: no consumer can take messages that the stop would drop.
 */
final class Subscription {
    private static final Logger log = LoggerFactory.getLogger(Subscription.class);
    private static final long RESUBSCRIBE_DELAY_MS = 1_000;

    /** What the worker does with what this subscription receives. */
    interface Listener {
        void delivered(Delivery delivery);

        /**
         * The broker closed the channel (not the connection, which the client recovers): every message
         * unacknowledged on it is back in the queue. Called before subscribing again.
         */
        void channelClosed(Channel channel, ShutdownSignalException cause);
    }

    private final Connection connection;
    private final String queue;
    private final IntSupplier prefetch;
    private final Listener listener;
    private final BooleanSupplier live;
    private final ScheduledExecutorService scheduler;
    private final Object lock;
    private final String workerId;

    // Guarded by lock; volatile for the stop's reads.
    private volatile Channel channel;
    private volatile String tag;
    private volatile QueueConsumer consumer;
    private volatile int currentPrefetch;

    /**
     * @param prefetch the prefetch wanted now, read on each subscription and by {@link #adaptPrefetch}
     * @param live     false once the worker stops (or before it is ready): nothing is subscribed again then
     * @param lock     shared by the worker's subscriptions and its stop
     */
    Subscription(Connection connection, String queue, IntSupplier prefetch, Listener listener, BooleanSupplier live,
                 ScheduledExecutorService scheduler, Object lock, String workerId) {
        this.connection = connection;
        this.queue = queue;
        this.prefetch = prefetch;
        this.listener = listener;
        this.live = live;
        this.scheduler = scheduler;
        this.lock = lock;
        this.workerId = workerId;
    }

    void start() throws IOException {
        synchronized (lock) {
            Channel c = connection.createChannel();
            currentPrefetch = prefetch.getAsInt();
            c.basicQos(currentPrefetch);
            c.addShutdownListener(cause -> onShutdown(c, cause));
            channel = c;
            consume(c);
        }
    }

    private void consume(Channel c) throws IOException {
        consumer = new QueueConsumer(c);
        tag = c.basicConsume(queue, false, "mqpool-worker." + workerId + "." + System.nanoTime(), consumer);
    }

    private void onShutdown(Channel c, ShutdownSignalException cause) {
        if (!live.getAsBoolean() || cause.isHardError() || cause.isInitiatedByApplication()) {
            return;
        }
        listener.channelClosed(c, cause);
        resubscribeLater();
    }

    private void resubscribeLater() {
        scheduler.schedule(() -> {
            try {
                synchronized (lock) {
                    if (!live.getAsBoolean()) {
                        return;
                    }
                    start();
                }
                log.info("[{}] consuming {} again", workerId, queue);
            } catch (IOException | RuntimeException e) {
                log.warn("[{}] cannot consume {} again yet: {}", workerId, queue, Worker.rootMessage(e));
                resubscribeLater();
            }
        }, RESUBSCRIBE_DELAY_MS, TimeUnit.MILLISECONDS);
    }

    /** Quorum queues apply a new prefetch only to a new consumer, so a change re-subscribes on the same channel. */
    void adaptPrefetch() {
        synchronized (lock) {
            int wanted = prefetch.getAsInt();
            Channel c = channel;
            if (wanted == currentPrefetch || !live.getAsBoolean() || c == null || !c.isOpen()) {
                return;
            }
            try {
                c.basicCancel(tag);
                c.basicQos(wanted);
                consume(c);
                log.debug("[{}] prefetch {} -> {} on {}", workerId, currentPrefetch, wanted, queue);
                currentPrefetch = wanted;
            } catch (IOException | RuntimeException e) {
                log.warn("[{}] cannot change the prefetch on {} to {}: {}", workerId, queue, wanted, Worker.rootMessage(e));
            }
        }
    }

    /**
     * Stops the consumer and waits (up to 5 s) for the broker's cancel-ok: deliveries dispatched before it are
     * handed to the listener first, so once it returns every message this consumer will ever get was delivered.
     */
    void cancel() throws InterruptedException {
        synchronized (lock) {
            Channel c = channel;
            QueueConsumer current = consumer;
            if (c == null || !c.isOpen() || tag == null) {
                return;
            }
            try {
                c.basicCancel(tag);
                current.cancelled.await(5, TimeUnit.SECONDS);
            } catch (IOException | RuntimeException e) {
                log.debug("cancel on {} failed: {}", queue, e.toString());
            }
        }
    }

    private final class QueueConsumer extends DefaultConsumer {
        private final CountDownLatch cancelled = new CountDownLatch(1);

        QueueConsumer(Channel channel) {
            super(channel);
        }

        @Override
        public void handleDelivery(String consumerTag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
            listener.delivered(new Delivery(getChannel(), envelope.getDeliveryTag(), props, body));
        }

        @Override
        public void handleCancelOk(String consumerTag) {
            cancelled.countDown();
        }

        @Override
        public void handleCancel(String consumerTag) {
            if (live.getAsBoolean()) {
                log.warn("[{}] broker cancelled the consumer of {} (queue deleted?); subscribing again", workerId, queue);
                resubscribeLater();
            }
        }
    }
}
