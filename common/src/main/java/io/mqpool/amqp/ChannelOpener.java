package io.mqpool.amqp;

import com.rabbitmq.client.Channel;
import java.io.IOException;

/** Opens channels: a {@link BrokerConnection} in production, a fake in unit tests. */
@FunctionalInterface
interface ChannelOpener {
    Channel open() throws IOException;
}
