package io.mqpool.worker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.ReturnListener;
import io.mqpool.protocol.Protocol;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes results (and parked messages) on one channel in confirm mode and reports each publish's fate asynchronously.
 *
 * <p>Publishes are mandatory, so a reply to a missing queue is reported as unroutable instead of
 * vanishing. Callbacks run on the connection's dispatch thread. Thread-safe.
 */
final class ConfirmedPublisher implements ConfirmListener, ReturnListener {
    private static final Logger log = LoggerFactory.getLogger(ConfirmedPublisher.class);
    private static final int MAX_ATTEMPTS = 3;

    /** What becomes of one published result. */
    interface Outcome {
        /** The broker took the result; the task can be acknowledged. */
        void confirmed();

        /** No queue took the result (its reply-to queue is gone). */
        void unroutable();

        /** The result could not be published; the task must be redelivered. */
        void failed(String why);
    }

    private record Pending(String replyTo, AMQP.BasicProperties props, byte[] body, Outcome outcome, int attempt,
                           boolean returned) {
        Pending markReturned() {
            return new Pending(replyTo, props, body, outcome, attempt, true);
        }
    }

    private final Channel channel;
    private final String workerId;
    private final Object publishLock = new Object();
    private final ConcurrentNavigableMap<Long, Pending> pending = new ConcurrentSkipListMap<>();

    ConfirmedPublisher(Channel channel, String workerId) throws IOException {
        this.channel = channel;
        this.workerId = workerId;
        channel.confirmSelect();
        channel.addConfirmListener(this);
        channel.addReturnListener(this);
    }

    /** Publishes a result to {@code replyTo}: persistent JSON, correlated to the job and the task message. */
    void publishResult(String replyTo, String correlationId, String inReplyTo, byte[] body, Outcome outcome) {
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .contentType(Protocol.CONTENT_TYPE)
                .deliveryMode(2)
                .correlationId(correlationId)
                .headers(inReplyTo == null
                        ? Map.of(Protocol.HEADER_WORKER, workerId)
                        : Map.of(Protocol.HEADER_WORKER, workerId, Protocol.HEADER_IN_REPLY_TO, inReplyTo))
                .build();
        publish(replyTo, props, body, outcome);
    }

    /** Publishes any message to a queue through the default exchange. */
    void publish(String queue, AMQP.BasicProperties props, byte[] body, Outcome outcome) {
        send(new Pending(queue, props, body, outcome, 1, false));
    }

    private void send(Pending p) {
        try {
            synchronized (publishLock) {
                long seq = channel.getNextPublishSeqNo();
                AMQP.BasicProperties props = p.props().builder().messageId(workerId + ":" + seq).build();
                pending.put(seq, p);
                channel.basicPublish("", p.replyTo(), true, props, p.body());
            }
        } catch (IOException | RuntimeException e) {
            p.outcome().failed("cannot publish result: " + e.getMessage());
        }
    }

    /** Gives up on unconfirmed publishes after a connection loss; the broker redelivers their tasks. */
    void failPending(String why) {
        List<Pending> lost = new ArrayList<>(pending.values());
        pending.clear();
        if (!lost.isEmpty()) {
            log.info("[{}] {} with {} results unconfirmed; their tasks will be redelivered", workerId, why, lost.size());
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
                log.warn("[{}] broker refused a result for {}; retrying", workerId, p.replyTo());
                send(new Pending(p.replyTo(), p.props(), p.body(), p.outcome(), p.attempt() + 1, false));
            } else {
                p.outcome().failed("broker refused the result " + MAX_ATTEMPTS + " times");
            }
        }
    }

    @Override
    public void handleReturn(int replyCode, String replyText, String exchange, String routingKey,
                             AMQP.BasicProperties properties, byte[] body) {
        String id = properties.getMessageId();
        int colon = id == null ? -1 : id.lastIndexOf(':');
        if (colon < 0) {
            return;
        }
        try {
            pending.computeIfPresent(Long.parseLong(id.substring(colon + 1)), (k, p) -> p.markReturned());
        } catch (NumberFormatException e) {
            log.debug("ignoring return of foreign message id {}", id);
        }
    }

    private Iterable<Pending> take(long seq, boolean multiple) {
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
