package io.mqpool.amqp;

import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Settles the deliveries of one channel. With a batch delay, acks wait up to that long, or until a quarter of the
 * prefetch (at most {@link #FLUSH_AT}) wait, and go out together, mostly as one {@code multiple} ack: on a quorum
 * queue each ack is a log entry, so this takes most of the broker's cost of acking short messages. Rejects and requeues go at once. Every
 * settlement is sent under one lock, so that a {@code multiple} ack never overtakes one it must not cover.
 * Thread-safe.
 */
final class ChannelAcks implements DeliveryChannel {
    private static final Logger log = LoggerFactory.getLogger(ChannelAcks.class);
    static final int FLUSH_AT = 64;

    private final Channel channel;
    private final Duration batchDelay;
    private final ScheduledExecutorService scheduler;
    // Guarded by this.
    private final AckBatch batch = new AckBatch();
    private boolean flushScheduled;
    private volatile int flushAt = FLUSH_AT;

    /** Acks sent one by one, at once. */
    ChannelAcks(Channel channel) {
        this(channel, Duration.ZERO, null);
    }

    /** @param batchDelay how long an ack may wait for others, zero for at once; then {@code scheduler} sends them */
    ChannelAcks(Channel channel, Duration batchDelay, ScheduledExecutorService scheduler) {
        this.channel = channel;
        this.batchDelay = batchDelay;
        this.scheduler = scheduler;
    }

    private boolean batching() {
        return !batchDelay.isZero();
    }

    /** The channel's prefetch is now {@code prefetch} (0: unlimited): a quarter of it may wait, so it never stalls. */
    void prefetch(int prefetch) {
        flushAt = prefetch == 0 ? FLUSH_AT : Math.max(1, Math.min(FLUSH_AT, prefetch / 4));
    }

    /** A delivery arrived; called in delivery order, before it is handed on. */
    void delivered(long deliveryTag) {
        if (batching()) {
            synchronized (this) {
                batch.delivered(deliveryTag);
            }
        }
    }

    /** The channel shut down (its connection lost, say): what was delivered before is no longer open here. */
    void channelLost() {
        if (batching()) {
            synchronized (this) {
                batch.forgetOpen();
            }
        }
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void settle(long deliveryTag, Settlement how) {
        if (!batching()) {
            send(deliveryTag, how, false);
            return;
        }
        synchronized (this) {
            if (how != Settlement.ACK) {
                batch.settledOtherwise(deliveryTag);
                send(deliveryTag, how, false);
                return;
            }
            if (batch.acked(deliveryTag) >= flushAt) {
                flush();
            } else if (!flushScheduled) {
                flushScheduled = true;
                try {
                    scheduler.schedule(this::flushQuietly, batchDelay.toNanos(), TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException e) {
                    flush();
                }
            }
        }
    }

    /** Sends every ack waiting. */
    synchronized void flush() {
        flushScheduled = false;
        List<AckBatch.Ack> acks = batch.drain();
        for (AckBatch.Ack ack : acks) {
            send(ack.tag(), Settlement.ACK, ack.multiple());
        }
    }

    /** Sends every ack waiting, if the channel still can. */
    void flushQuietly() {
        try {
            flush();
        } catch (RuntimeException e) {
            // The channel is gone: the broker has taken back what these acks were for, and redelivers it.
            log.debug("acks not sent: {}", e.toString());
        }
    }

    private void send(long deliveryTag, Settlement how, boolean multiple) {
        try {
            switch (how) {
                case ACK -> channel.basicAck(deliveryTag, multiple);
                case REJECT -> channel.basicReject(deliveryTag, false);
                case REQUEUE -> channel.basicNack(deliveryTag, false, true);
            }
        } catch (IOException | RuntimeException e) {
            throw BrokerErrors.translate("cannot " + how.name().toLowerCase(Locale.ROOT) + " a delivery", e);
        }
    }
}
