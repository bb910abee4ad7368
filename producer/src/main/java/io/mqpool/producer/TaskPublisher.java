package io.mqpool.producer;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ConfirmListener;
import com.rabbitmq.client.ReturnListener;
import com.rabbitmq.client.ShutdownSignalException;
import io.mqpool.amqp.Connections;
import io.mqpool.config.BrokerAddress;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.Protocol;
import io.mqpool.protocol.TaskMessage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * Publishes task messages persistent and mandatory on one confirm-mode channel, with asynchronous confirms.
 *
 * <p>A nacked, returned-then-lost, or unconfirmed-at-reconnect message is handed back to its job to be
 * published again; the job drops the duplicates that may result. Thread-safe.
 */
final class TaskPublisher implements ConfirmListener, ReturnListener {
    /**
     * Where a task message's outcomes go.
     *
     * @param sink the job told of refusals and losses
     * @param replyTo the result queue workers answer to
     * @param markPublished after the confirm, leave a marker in {@code replyTo} naming the message's indices, so
     *     that a resumed job knows which items are already on their way
     */
    record Route(ResultSink sink, String replyTo, boolean markPublished) {
        Route {
            Objects.requireNonNull(sink, "sink");
            Objects.requireNonNull(replyTo, "replyTo");
        }
    }

    /** A published message awaiting its confirm; {@code message} is null for a publication marker. */
    private record Sent(Route route, TaskMessage message, int attempt, boolean returned) {
        ResultSink sink() {
            return route.sink();
        }
    }

    /** Header naming a marker message in a result queue: its body lists task indices confirmed published. */
    static final String HEADER_MARKER = "mqpool-published";

    private final Channel channel;
    private final Codec codec;
    private final String queue;
    private final Object publishLock = new Object();
    private final ConcurrentNavigableMap<Long, Sent> pending = new ConcurrentSkipListMap<>();
    private volatile RuntimeException broken;

    TaskPublisher(Channel channel, Codec codec, String queue, BrokerAddress address) throws IOException {
        channel.addShutdownListener(cause -> onShutdown(cause, address));
        this.channel = channel;
        this.codec = codec;
        this.queue = queue;
        channel.confirmSelect();
        channel.addConfirmListener(this);
        channel.addReturnListener(this);
    }

    /**
     * A channel-level close (a refused publish, say) is not recovered by the client: fail every call waiting
     * on an unconfirmed publish, and every later publish, with the broker's reason instead of hanging.
     */
    private void onShutdown(ShutdownSignalException cause, BrokerAddress address) {
        if (cause.isHardError() || cause.isInitiatedByApplication()) {
            return;
        }
        RuntimeException refused = Connections.accessRefused(address, cause);
        RuntimeException failure = refused != null ? refused
                : new IllegalStateException("broker closed the publishing channel: " + cause.getMessage(), cause);
        broken = failure;
        List<Sent> lost = new ArrayList<>(pending.values());
        pending.clear();
        for (Sent s : lost) {
            s.sink().fail(failure);
        }
    }

    /**
     * Encodes the message (refusing one above the size limit before anything is sent) and publishes it.
     *
     * @param attempt 1 for the first publish of this message, then one more per republish
     */
    void publish(Route route, TaskMessage message, int attempt) {
        if (broken != null) {
            throw broken;
        }
        byte[] body = codec.encode(message, "task message");
        String messageId = message.job() + ":" + message.items().get(0).i();
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .contentType(Protocol.CONTENT_TYPE)
                .deliveryMode(2)
                .correlationId(message.job())
                .replyTo(route.replyTo())
                .messageId(messageId)
                .build();
        List<Sent> orphaned = List.of();
        try {
            synchronized (publishLock) {
                long seq = channel.getNextPublishSeqNo();
                if (pending.ceilingKey(seq) != null) {
                    // The channel was recovered and numbers its publishes afresh, before the recovery listener's
                    // republishUnconfirmed ran: what is pending will never be confirmed, and its numbers are reused.
                    orphaned = new ArrayList<>(pending.values());
                    pending.clear();
                }
                pending.put(seq, new Sent(route, message, attempt, false));
                try {
                    channel.basicPublish("", queue, true, props, body);
                } catch (IOException | ShutdownSignalException e) {
                    if (broken == null && connectionLost(e)) {
                        // Left unconfirmed: the client reconnects and republishUnconfirmed sends it again.
                        return;
                    }
                    pending.remove(seq);
                    if (broken != null) {
                        throw broken;
                    }
                    throw new UncheckedIOException("cannot publish to queue '" + queue + "': " + e.getMessage(),
                            e instanceof IOException io ? io : new IOException(e));
                }
            }
        } finally {
            republish(orphaned);
        }
    }

    /**
     * Whether a failed publish met a lost connection, which the client recovers (a socket error, or the channel
     * closed with its connection), rather than a closed pool or a channel error.
     */
    private static boolean connectionLost(Exception e) {
        if (e instanceof ShutdownSignalException sse) {
            return sse.isHardError() && !sse.isInitiatedByApplication();
        }
        return true;
    }

    /** After a reconnect nothing unconfirmed will be confirmed: send it all again. */
    void republishUnconfirmed() {
        List<Sent> lost = new ArrayList<>(pending.values());
        pending.clear();
        republish(lost);
    }

    private static void republish(List<Sent> lost) {
        for (Sent s : lost) {
            if (s.message() != null) {
                s.sink().republish(s.message(), s.attempt());
            }
        }
    }

    @Override
    public void handleAck(long seq, boolean multiple) {
        for (Sent s : take(seq, multiple)) {
            if (s.message() == null) {
                continue;
            }
            if (s.returned()) {
                s.sink().fail(new IllegalStateException("task queue '" + queue + "' does not exist"));
            } else if (s.route().markPublished()) {
                mark(s);
            }
        }
    }

    @Override
    public void handleNack(long seq, boolean multiple) {
        for (Sent s : take(seq, multiple)) {
            if (s.message() != null) {
                s.sink().republish(s.message(), s.attempt());
            }
        }
    }

    /** Best effort: a lost marker only means a resumed job publishes those items again. */
    private void mark(Sent s) {
        long[] indices = s.message().items().stream().mapToLong(io.mqpool.protocol.TaskItem::i).toArray();
        AMQP.BasicProperties props = new AMQP.BasicProperties.Builder()
                .contentType(Protocol.CONTENT_TYPE)
                .deliveryMode(2)
                .correlationId(s.message().job())
                .headers(java.util.Map.of(HEADER_MARKER, indices.length))
                .build();
        try {
            byte[] body = codec.mapper().writeValueAsBytes(indices);
            synchronized (publishLock) {
                pending.put(channel.getNextPublishSeqNo(), new Sent(s.route(), null, 1, false));
                channel.basicPublish("", s.route().replyTo(), false, props, body);
            }
        } catch (IOException | RuntimeException e) {
            // The job still completes; a resume would just republish these items.
        }
    }

    @Override
    public void handleReturn(int replyCode, String replyText, String exchange, String routingKey,
                             AMQP.BasicProperties properties, byte[] body) {
        String id = properties.getMessageId();
        pending.replaceAll((seq, s) -> s.message() != null && id != null && id.equals(s.message().job() + ":" + s.message().items().get(0).i())
                ? new Sent(s.route(), s.message(), s.attempt(), true) : s);
    }

    private List<Sent> take(long seq, boolean multiple) {
        if (!multiple) {
            Sent s = pending.remove(seq);
            return s == null ? List.of() : List.of(s);
        }
        ConcurrentNavigableMap<Long, Sent> head = pending.headMap(seq, true);
        List<Sent> taken = new ArrayList<>(head.values());
        head.clear();
        return taken;
    }
}
