package io.mqpool.amqp;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.ShutdownSignalException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Small facts about amqp-client channels that several classes of this package need. */
final class Channels {
    private static final Logger log = LoggerFactory.getLogger(Channels.class);

    private Channels() {
    }

    /** A lost connection, which the client recovers (a socket error, or a channel closed with its connection). */
    static boolean connectionLost(Exception e) {
        if (e instanceof ShutdownSignalException sse) {
            return sse.isHardError() && !sse.isInitiatedByApplication();
        }
        return e instanceof IOException;
    }

    /** Closes {@code c} if it is open; a failure is only logged, as {@code owner}'s. */
    static void closeQuietly(Channel c, String owner) {
        try {
            if (c.isOpen()) {
                c.close();
            }
        } catch (IOException | TimeoutException | RuntimeException e) {
            log.debug("[{}] closing a channel failed: {}", owner, e.toString());
        }
    }
}
