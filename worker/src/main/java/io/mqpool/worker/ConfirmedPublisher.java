package io.mqpool.worker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ReturnListener;
import com.rabbitmq.client.ShutdownSignalException;
import io.mqpool.protocol.Protocol;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes results (and parked messages) on one channel in confirm mode and reports each publish's fate
 * asynchronously.
 *
 * <p>Publishes are mandatory, so a reply to a missing queue is reported as unroutable instead of
 * vanishing. If the broker closes the channel (a refused publish, say), every unconfirmed publish fails
 * (its task is redelivered) and a new channel is opened after a pause. Callbacks run on the connection's
 * dispatch thread. Thread-safe.
 */
final class ConfirmedPublisher implements ConfirmListener, ReturnListener {
    private static final Logger log = LoggerFactory.getLogger(ConfirmedPublisher.class);
    private static final int MAX_ATTEMPTS = 3;
    private static final long REOPEN_DELAY_MS = 1_000;

    /** What becomes of one published message. */
    interface Outcome {
        /** The broker took the message; the task can be acknowledged. */
        void confirmed();

        /** No queue took the message (its reply-to queue is gone). */
        void unroutable();

        /** The message could not be published; the task must be redelivered. */
        void failed(String why);

        /** An outcome made of its three actions. */
        static Outcome of(Runnable confirmed, Runnable unroutable, Consumer<String> failed) {
            return new Outcome() {
                @Override
                public void confirmed() {
                    confirmed.run();
                }

                @Override
                public void unroutable() {
                    unroutable.run();
                }

                @Override
                public void failed(String why) {
                    failed.accept(why);
                }
            };
        }
    }

    private record Pending(String queue, AMQP.BasicProperties props, byte[] body, Outcome outcome, int attempt,
                           boolean returned) {
        Pending markReturned() {
            return new Pending(queue, props, body, outcome, attempt, true);
        }
    }

    private final Connection connection;
    private final String workerId;
    private final ScheduledExecutorService scheduler;
    private final Object publishLock = new Object();
    private final ConcurrentNavigableMap<Long, Pending> pending = new ConcurrentSkipListMap<>();
    private volatile Channel channel;

    ConfirmedPublisher(Connection connection, String workerId, ScheduledExecutorService scheduler) throws IOException {
        this.connection = connection;
        this.workerId = workerId;
        this.scheduler = scheduler;
        this.channel = open();
    }

    private Channel open() throws IOException {
        Channel c = connection.createChannel();
        c.confirmSelect();
        c.addConfirmListener(this);
        c.addReturnListener(this);
        c.addShutdownListener(this::onShutdown);
        return c;
    }

    /** A channel-level close is ours to recover; a lost connection is recovered by the client. */
    private void onShutdown(ShutdownSignalException cause) {
        if (cause.isHardError() || cause.isInitiatedByApplication()) {
            return;
        }
        log.warn("[{}] broker closed the result channel ({}); results not yet confirmed are redelivered; "
                + "reopening in {} ms", workerId, cause.getMessage(), REOPEN_DELAY_MS);
        failPending("result channel closed by the broker");
        scheduler.schedule(this::reopen, REOPEN_DELAY_MS, TimeUnit.MILLISECONDS);
    }

    private void reopen() {
        try {
            synchronized (publishLock) {
                channel = open();
            }
        } catch (IOException | RuntimeException e) {
            log.warn("[{}] cannot reopen the result channel yet: {}", workerId, Worker.rootMessage(e));
            scheduler.schedule(this::reopen, REOPEN_DELAY_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** Publishes a result to {@code replyTo}: persistent JSON, correlated to the job and the task message. */
    void publishResult(String replyTo, String correlationId, String inReplyTo, String messageId, byte[] body,
                       Outcome outcome) {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .contentType(Protocol.CONTENT_TYPE)
                .deliveryMode(2)
                .correlationId(correlationId)
                .messageId(messageId)
                .headers(inReplyTo == null
                        ? Map.of(Protocol.HEADER_WORKER, workerId)
                        : Map.of(Protocol.HEADER_WORKER, workerId, Protocol.HEADER_IN_REPLY_TO, inReplyTo))
                .build();
        publish(replyTo, props, body, outcome);
    }

    /** Publishes any message, properties unchanged, to a queue through the default exchange. */
    void publish(String queue, AMQP.BasicProperties props, byte[] body, Outcome outcome) {
        send(new Pending(queue, props, body, outcome, 1, false));
    }

    private void send(Pending p) {
        try {
            synchronized (publishLock) {
                Channel c = channel;
                long seq = c.getNextPublishSeqNo();
                pending.put(seq, p);
                c.basicPublish("", p.queue(), true, p.props(), p.body());
            }
        } catch (IOException | RuntimeException e) {
            p.outcome().failed("cannot publish: " + Worker.rootMessage(e));
        }
    }

    /** Gives up on unconfirmed publishes, e.g. after a connection loss; the broker redelivers their tasks. */
    void failPending(String why) {
        List<Pending> lost;
        synchronized (publishLock) {
            lost = new ArrayList<>(pending.values());
            pending.clear();
        }
        if (!lost.isEmpty()) {
            log.info("[{}] {} with {} publishes unconfirmed; their tasks will be redelivered", workerId, why, lost.size());
        }
        for (Pending p : lost) {
            p.outcome().failed(why);
        }
    }

    @Override
    public void handleAck(long seq, boolean multiple) {
        for (Pending p : take(seq, multiple)) {
            if (p.returned()) {
                p.outcome().unroutable();
            } else {
                p.outcome().confirmed();
            }
        }
    }

    @Override
    public void handleNack(long seq, boolean multiple) {
        for (Pending p : take(seq, multiple)) {
            if (p.attempt() < MAX_ATTEMPTS) {
                log.warn("[{}] broker refused a publish to {}; retrying", workerId, p.queue());
                send(new Pending(p.queue(), p.props(), p.body(), p.outcome(), p.attempt() + 1, false));
            } else {
                p.outcome().failed("broker refused the message " + MAX_ATTEMPTS + " times");
            }
        }
    }

    /**
     * The broker returns an unroutable mandatory message before confirming it, in publish order, so the
     * returned message is the oldest unconfirmed, not yet returned publish to that queue.
     */
    @Override
    public void handleReturn(int replyCode, String replyText, String exchange, String routingKey,
                             AMQP.BasicProperties properties, byte[] body) {
        for (Map.Entry<Long, Pending> e : pending.entrySet()) {
            Pending p = e.getValue();
            if (!p.returned() && p.queue().equals(routingKey)) {
                pending.replace(e.getKey(), p, p.markReturned());
                return;
            }
        }
    }

    private List<Pending> take(long seq, boolean multiple) {
        if (!multiple) {
            Pending p = pending.remove(seq);
            return p == null ? List.of() : List.of(p);
        }
        ConcurrentNavigableMap<Long, Pending> head = pending.headMap(seq, true);
        List<Pending> taken = new ArrayList<>(head.values());
        head.clear();
        return taken;
    }
}
