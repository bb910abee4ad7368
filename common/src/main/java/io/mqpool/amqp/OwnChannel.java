package io.mqpool.amqp;

import com.rabbitmq.client.Channel;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * Runs one piece of broker work on a short-lived channel of its own, so that a refusal, which closes the channel,
 * harms no other work; failures come out as {@link BrokerOperationException}. Apart from {@link Topology} so that it
 * holds only what mqpool declares.
 */
final class OwnChannel {
    /** Work on a channel. */
    @FunctionalInterface
    interface Work {
        void run(Channel channel) throws IOException;
    }

    private OwnChannel() {
    }

    /** Runs {@code work} on a channel of its own, closed after unless the broker closed it (a refused declare). */
    static void run(ChannelOpener opener, String what, Work work) {
        try {
            Channel channel = opener.open();
            try {
                work.run(channel);
            } finally {
                if (channel.isOpen()) {
                    channel.close();
                }
            }
        } catch (IOException | TimeoutException | RuntimeException e) {
            throw BrokerErrors.translate(what, e);
        }
    }

    /** Whether the queue exists: a passive declare, refused with 404 NOT_FOUND (closing the channel) if not. */
    static boolean queueExists(ChannelOpener opener, String queue) {
        try {
            run(opener, "cannot look up queue '" + queue + "'", probe -> probe.queueDeclarePassive(queue));
            return true;
        } catch (BrokerOperationException e) {
            // 404 NOT_FOUND, or a refusal that the declare to follow reports with its own reply code.
            return false;
        }
    }
}
