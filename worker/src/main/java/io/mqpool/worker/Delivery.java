package io.mqpool.worker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import io.mqpool.protocol.Protocol;
import java.util.concurrent.atomic.AtomicBoolean;

/** One received message and the channel to settle it on; settled at most once. */
final class Delivery {
    private final Channel channel;
    private final long tag;
    private final AMQP.BasicProperties props;
    private final byte[] body;
    private final AtomicBoolean settled = new AtomicBoolean();

    Delivery(Channel channel, long tag, AMQP.BasicProperties props, byte[] body) {
        this.channel = channel;
        this.tag = tag;
        this.props = props;
        this.body = body;
    }

    Channel channel() {
        return channel;
    }

    long tag() {
        return tag;
    }

    AMQP.BasicProperties props() {
        return props;
    }

    byte[] body() {
        return body;
    }

    /** Claims the right to settle; false if already settled. */
    boolean claim() {
        return settled.compareAndSet(false, true);
    }

    /**
     * 1 on the first delivery. Quorum queues count earlier ones in {@code x-delivery-count}; a message moved to
     * the solo queue carries those from the task queue in {@link Protocol#HEADER_EARLIER_DELIVERIES}.
     */
    int attempt() {
        return redeliveries() + count(Protocol.HEADER_EARLIER_DELIVERIES) + 1;
    }

    /** Earlier deliveries from the queue this one came from: each a worker that died or gave the message back. */
    int redeliveries() {
        return count(Protocol.HEADER_DELIVERY_COUNT);
    }

    private int count(String name) {
        Object count = header(name);
        return count instanceof Number n ? Math.max(0, n.intValue()) : 0;
    }

    Object header(String name) {
        return props.getHeaders() == null ? null : props.getHeaders().get(name);
    }
}
