package io.mqpool.producer;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import io.mqpool.RootCause;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes one result queue on a channel of its own and hands every message to the router. Acknowledges each
 * message once handled, unless the results must outlive this process (a resumable job's). Subscribes again when
 * the broker closes the channel (a consumer timeout, say); a lost connection is recovered by the client.
 */
final class ResultConsumer implements AutoCloseable {
    /** Prefetch for a queue whose messages stay unacknowledged: they must not stall delivery. */
    static final int UNLIMITED = 0;
    private static final Logger log = LoggerFactory.getLogger(ResultConsumer.class);
    private static final long RESUBSCRIBE_DELAY_MS = 1_000;

    private final Connection connection;
    private final String queue;
    private final int prefetch;
    private final boolean acknowledge;
    private final ResultRouter router;
    private final ScheduledExecutorService timer;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Channel channel;

    ResultConsumer(Connection connection, String queue, int prefetch, boolean acknowledge, ResultRouter router,
                   ScheduledExecutorService timer) {
        this.connection = connection;
        this.queue = queue;
        this.prefetch = prefetch;
        this.acknowledge = acknowledge;
        this.router = router;
        this.timer = timer;
    }

    void start() throws IOException {
        Channel ch = connection.createChannel();
        ch.basicQos(prefetch);
        ch.addShutdownListener(cause -> {
            if (!closed.get() && !cause.isHardError() && !cause.isInitiatedByApplication()) {
                log.warn("broker closed the channel consuming {} ({}); reopening it", queue, cause.getMessage());
                resubscribeLater();
            }
        });
        channel = ch;
        ch.basicConsume(queue, false, new Delivery(ch));
    }

    private void resubscribeLater() {
        try {
            timer.schedule(this::resubscribe, RESUBSCRIBE_DELAY_MS, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // The pool is closing.
        }
    }

    private void resubscribe() {
        if (closed.get()) {
            return;
        }
        try {
            start();
        } catch (IOException | RuntimeException e) {
            log.warn("cannot consume {} yet: {}", queue, RootCause.message(e));
            resubscribeLater();
        }
    }

    /** Stops consuming. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        Channel ch = channel;
        try {
            if (ch != null && ch.isOpen()) {
                ch.close();
            }
        } catch (IOException | java.util.concurrent.TimeoutException | RuntimeException e) {
            log.debug("closing the channel consuming {} failed: {}", queue, e.toString());
        }
    }

    private final class Delivery extends DefaultConsumer {
        Delivery(Channel channel) {
            super(channel);
        }

        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
            Map<String, Object> headers = props.getHeaders();
            router.handle(props.getCorrelationId(), headers != null && headers.containsKey(TaskPublisher.HEADER_MARKER),
                    body);
            if (!acknowledge) {
                return;
            }
            try {
                getChannel().basicAck(envelope.getDeliveryTag(), false);
            } catch (IOException | RuntimeException e) {
                log.debug("result ack failed: {}", e.toString());
            }
        }
    }
}
