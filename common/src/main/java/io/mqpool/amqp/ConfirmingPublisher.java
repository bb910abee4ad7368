package io.mqpool.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import io.mqpool.RootCause;
import io.mqpool.amqp.Unconfirmed.Publish;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes on one confirm-mode channel; each publish gets a future for the broker's answer.
 *
 * <p>At most {@code maxUnconfirmed} publishes await their confirm: {@link #publish} blocks while the window is
 * full (it never fails for that), so call it from a thread that may wait, never from a future's continuation
 * running on the client's own threads. A nack is sent again up to {@code nackAttempts} times ({@link NackRetries}).
 * After a lost connection the client recovers the channel, which numbers its publishes afresh: what was unconfirmed
 * is then published again ({@link OnConnectionLoss#REPUBLISH}) or failed ({@link OnConnectionLoss#FAIL}) by
 * {@link ConnectionLoss}, whether the renumbering shows first in a publish or in the recovery callback. A channel
 * the broker closes (a refused publish) fails what was unconfirmed and is reopened after a delay, or, without one,
 * fails every later publish. Futures complete on the completion executor, never on the client's threads.
 * Thread-safe.
 */
public final class ConfirmingPublisher implements MessagePublisher, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfirmingPublisher.class);
    public static final int DEFAULT_MAX_UNCONFIRMED = 1_024;
    /** A publish refused this many times has its channel replaced (only where a closed channel is reopened). */
    static final int REPLACE_AFTER_ATTEMPTS = 3;

    /** What becomes of unconfirmed publishes when the connection is lost. */
    public enum OnConnectionLoss { REPUBLISH, FAIL }

    private final ChannelOpener opener;
    private final String name;
    private final PublishWindow window;
    private final NackRetries nacks;
    private final ConnectionLoss connectionLoss;
    private final Duration reopenDelay;
    private final ScheduledExecutorService scheduler;
    private final Object publishLock = new Object();
    private final Unconfirmed pending = new Unconfirmed();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicBoolean replacing = new AtomicBoolean();
    // Guarded by publishLock: the highest number given to a publish on the current channel numbering.
    private long lastIssued;
    private volatile Channel channel;
    private volatile PublishFailedException broken;

    ConfirmingPublisher(ChannelOpener opener, ConfirmingPublisherBuilder b) throws IOException {
        this.opener = opener;
        this.name = b.name;
        this.window = new PublishWindow(b.maxUnconfirmed, b.completions, name);
        this.nacks = new NackRetries(name, b.nackAttempts, b.nackBackoffFirst, b.nackBackoffMax, b.scheduler);
        this.connectionLoss = new ConnectionLoss(b.onConnectionLoss, name, window, this::send);
        this.reopenDelay = b.reopenDelay;
        this.scheduler = b.scheduler;
        this.channel = open();
    }

    /** A builder for a publisher on its own channel of {@code connection}; {@code name} names it in logs and threads. */
    public static ConfirmingPublisherBuilder builder(BrokerConnection connection, String name) {
        return new ConfirmingPublisherBuilder(connection, name);
    }

    private Channel open() throws IOException {
        Channel c = opener.open();
        c.confirmSelect();
        // A replaced channel's late confirms are ignored: what was unconfirmed on it is sent again on the new one.
        c.addConfirmListener((seq, multiple) -> onConfirm(c, seq, multiple, true),
                (seq, multiple) -> onConfirm(c, seq, multiple, false));
        c.addReturnListener(r -> handleReturn(r.getRoutingKey(), r.getProperties().getMessageId()));
        c.addShutdownListener(cause -> onShutdown(c, cause));
        return c;
    }

    /**
     * Publishes, waiting while {@code maxUnconfirmed} publishes await their confirm.
     *
     * @return completes with the broker's answer, or exceptionally with a {@link PublishFailedException}
     */
    @Override
    public CompletableFuture<PublishResult> publish(String queue, MessageProperties properties, byte[] body,
                                                   boolean mandatory) {
        Objects.requireNonNull(queue, "queue");
        if (closed.get()) {
            return CompletableFuture.failedFuture(closedFailure());
        }
        PublishFailedException b = broken;
        if (b != null) {
            return CompletableFuture.failedFuture(b);
        }
        PublishFailedException refused = window.admit(queue, this::closedFailure);
        if (refused != null) {
            return CompletableFuture.failedFuture(refused);
        }
        CompletableFuture<PublishResult> future = new CompletableFuture<>();
        send(new Publish(queue, properties, AmqpProperties.toBasic(properties), body, mandatory, future, 1, false));
        return future;
    }

    int unconfirmed() { // for tests
        return window.used();
    }

    private void send(Publish p) {
        List<Publish> orphaned = List.of();
        PublishFailedException failure = null;
        synchronized (publishLock) {
            Channel c = channel;
            long seq = c.getNextPublishSeqNo();
            if (seq == 0) {
                // A recovered channel not yet in confirm mode again: nothing published now would be confirmed.
                connectionLoss.hold(p);
                return;
            }
            if (seq <= lastIssued) {
                // The channel was recovered and numbers afresh, before the recovery callback ran: what is pending
                // will never be confirmed, and its numbers are reused.
                orphaned = pending.drain();
            }
            lastIssued = seq;
            pending.put(seq, p);
            try {
                c.basicPublish("", p.queue(), p.mandatory(), p.basic(), p.body());
            } catch (IOException | RuntimeException e) {
                if (!(connectionLoss.republishes() && broken == null && !closed.get()
                        && Channels.connectionLost(e))) {
                    pending.remove(seq);
                    failure = broken != null ? broken : new PublishFailedException(Channels.connectionLost(e)
                            ? PublishFailedException.Reason.CONNECTION_LOST : PublishFailedException.Reason.FAILED,
                            "cannot publish to queue '" + p.queue() + "': " + RootCause.message(e), e);
                }
                // Else left pending: the client reconnects, and the renumbering or the recovery sends it again.
            }
        }
        if (failure != null) {
            window.fail(p, failure);
        }
        connectionLoss.lost(orphaned, "the channel was recovered");
    }

    /** The client started recovering the lost connection: under FAIL, what is unconfirmed fails. */
    void connectionLost() {
        if (!connectionLoss.republishes()) {
            connectionLoss.lost(pending.drain(), "connection lost");
        }
    }

    /** The client recovered the connection and the channel: send again what the old numbering left behind. */
    void connectionRecovered() {
        List<Publish> again = new ArrayList<>();
        synchronized (publishLock) {
            long next = channel.getNextPublishSeqNo();
            if (next <= lastIssued) {
                again.addAll(pending.drain());
                lastIssued = next - 1;
            }
            again.addAll(connectionLoss.takeHeld());
        }
        connectionLoss.lost(again, "reconnected");
    }

    /** A channel-level close is ours to handle; a lost connection is recovered by the client. */
    private void onShutdown(Channel c, ShutdownSignalException cause) {
        if (cause.isHardError() || cause.isInitiatedByApplication() || c != channel || closed.get()) {
            return;
        }
        BrokerOperationException why = BrokerErrors.closed(cause);
        PublishFailedException failure = new PublishFailedException(PublishFailedException.Reason.CHANNEL_CLOSED,
                "broker closed the publishing channel: " + why.replyText(), why);
        if (reopenDelay == null) {
            broken = failure;
        }
        List<Publish> lost = pending.drain();
        log.warn("[{}] broker closed the publishing channel ({}); {} unconfirmed publishes failed{}", name,
                why.replyText(), lost.size(), reopenDelay == null ? "" : "; reopening in " + reopenDelay.toMillis() + " ms");
        for (Publish p : lost) {
            window.fail(p, failure);
        }
        if (reopenDelay != null) {
            scheduler.schedule(this::reopen, reopenDelay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void reopen() {
        if (closed.get()) {
            return;
        }
        try {
            synchronized (publishLock) {
                channel = open();
                lastIssued = 0;
            }
        } catch (IOException | RuntimeException e) {
            log.warn("[{}] cannot reopen the publishing channel yet: {}", name, RootCause.message(e));
            scheduler.schedule(this::reopen, reopenDelay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void onConfirm(Channel c, long seq, boolean multiple, boolean ack) {
        if (c != channel) {
            return;
        }
        if (ack) {
            handleAck(seq, multiple);
        } else {
            handleNack(seq, multiple);
        }
    }

    void handleAck(long seq, boolean multiple) {
        List<Publish> done = pending.take(seq, multiple);
        PublishResult[] results = new PublishResult[done.size()];
        for (int k = 0; k < results.length; k++) {
            // Read here, on the client's thread, where a return is always handled before its confirm.
            results[k] = done.get(k).returned() ? PublishResult.RETURNED : PublishResult.CONFIRMED;
        }
        window.completeAll(done, results);
    }

    void handleNack(long seq, boolean multiple) {
        List<Publish> nacked = pending.take(seq, multiple);
        if (reopenDelay != null && nacked.stream().anyMatch(p -> p.attempt() >= REPLACE_AFTER_ATTEMPTS)
                && replacing.compareAndSet(false, true)) {
            scheduler.schedule(this::replaceChannel, 0, TimeUnit.MILLISECONDS);
        }
        for (Publish p : nacked) {
            // The resend runs on the window's executor, not the client's thread, which must never wait for the lock.
            if (!nacks.retry(p.attempt(), p.queue(), () -> window.execute(() -> send(p.next(p.attempt() + 1, false))))) {
                window.fail(p, new PublishFailedException(PublishFailedException.Reason.NACKED,
                        "broker refused the message" + nacks.times(), null));
            }
        }
    }

    /**
     * Replaces a channel whose publishes keep being refused; what was unconfirmed goes again on the new one. After a
     * quorum queue's leader was lost, RabbitMQ 3.10 refused one channel's publishes for 40 s, a fresh one's none.
     */
    private void replaceChannel() {
        List<Publish> again;
        Channel old;
        synchronized (publishLock) {
            old = channel;
            try {
                channel = open();
            } catch (IOException | RuntimeException e) {
                replacing.set(false);
                log.debug("[{}] cannot open a new publishing channel yet: {}", name, RootCause.message(e));
                return;
            }
            lastIssued = 0;
            again = pending.drain();
        }
        log.warn("[{}] the broker keeps refusing publishes on this channel; publishing on a new one", name);
        replacing.set(false);
        Channels.closeQuietly(old, name);
        for (Publish p : again) {
            send(p);
        }
    }

    void handleReturn(String routingKey, String messageId) {
        pending.markReturned(routingKey, messageId);
    }

    private PublishFailedException closedFailure() {
        return new PublishFailedException(PublishFailedException.Reason.CLOSED, "publisher " + name + " is closed", null);
    }

    /** Fails what is unconfirmed, closes the channel and stops the completion thread. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        window.close();
        List<Publish> left;
        synchronized (publishLock) {
            left = pending.drain();
            left.addAll(connectionLoss.takeHeld());
        }
        for (Publish p : left) {
            window.fail(p, closedFailure());
        }
        Channels.closeQuietly(channel, name);
        window.shutdown();
    }
}
