package io.mqpool.amqp;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One message received from a queue, and the channel to settle it on. The body is not copied; do not modify it.
 * Thread-safe.
 */
public final class Delivery {
    private final MessageProperties properties;
    private final byte[] body;
    private final boolean redelivered;
    private final long deliveryTag;
    private final DeliveryChannel channel;
    private final AtomicBoolean claimed = new AtomicBoolean();

    public Delivery(MessageProperties properties, byte[] body, boolean redelivered, long deliveryTag,
                    DeliveryChannel channel) {
        if (properties == null || body == null || channel == null) {
            throw new IllegalArgumentException("a delivery needs properties, a body and a channel");
        }
        this.properties = properties;
        this.body = body;
        this.redelivered = redelivered;
        this.deliveryTag = deliveryTag;
        this.channel = channel;
    }

    public MessageProperties properties() {
        return properties;
    }

    public byte[] body() {
        return body;
    }

    /** The broker's redelivered flag: an earlier delivery of this message may have been processed. */
    public boolean redelivered() {
        return redelivered;
    }

    public long deliveryTag() {
        return deliveryTag;
    }

    public DeliveryChannel channel() {
        return channel;
    }

    /** The value of a header, or null. */
    public Object header(String name) {
        return properties.header(name);
    }

    /** Claims the right to settle this delivery: true once, false ever after. */
    public boolean claim() {
        return claimed.compareAndSet(false, true);
    }

    /** Settles on the delivery's channel; the caller has {@link #claim() claimed} it. */
    public void settle(DeliveryChannel.Settlement how) {
        channel.settle(deliveryTag, how);
    }
}
