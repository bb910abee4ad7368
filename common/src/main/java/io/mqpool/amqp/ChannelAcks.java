package io.mqpool.amqp;

import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.Locale;

/** Settles the deliveries of one channel. */
final class ChannelAcks implements DeliveryChannel {
    private final Channel channel;

    ChannelAcks(Channel channel) {
        this.channel = channel;
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public void settle(long deliveryTag, Settlement how) {
        try {
            switch (how) {
                case ACK -> channel.basicAck(deliveryTag, false);
                case REJECT -> channel.basicReject(deliveryTag, false);
                case REQUEUE -> channel.basicNack(deliveryTag, false, true);
            }
        } catch (IOException | RuntimeException e) {
            throw BrokerErrors.translate("cannot " + how.name().toLowerCase(Locale.ROOT) + " a delivery", e);
        }
    }
}
