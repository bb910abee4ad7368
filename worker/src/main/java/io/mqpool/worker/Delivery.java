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

    /** 1 on the first delivery; quorum queues count earlier ones in {@code x-delivery-count}. */
    int attempt() {
        Object count = header(Protocol.HEADER_DELIVERY_COUNT);
        return count instanceof Number n ? n.intValue() + 1 : 1;
    }

    Object header(String name) {
        return props.getHeaders() == null ? null : props.getHeaders().get(name);
    }
}
