package io.mqpool.amqp;

import java.util.concurrent.CompletableFuture;

/** Publishes messages to queues through the default exchange, each with a future for its fate. */
@FunctionalInterface
public interface MessagePublisher {
    /**
     * Publishes {@code body} to {@code queue}.
     *
     * @param mandatory have the broker return the message if no queue takes it, reported as
     *     {@link PublishResult#RETURNED}
     * @return completes with the broker's answer, or exceptionally with a {@link PublishFailedException}
     */
    CompletableFuture<PublishResult> publish(String queue, MessageProperties properties, byte[] body, boolean mandatory);
}
