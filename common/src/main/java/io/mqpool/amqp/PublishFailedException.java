package io.mqpool.amqp;

import io.mqpool.MqpoolException;

/** A message was not published, or its fate is unknown: it must be treated as lost. */
public final class PublishFailedException extends MqpoolException {
    /** Why. */
    public enum Reason {
        /** The broker refused it (a nack), as often as the publisher tries. */
        NACKED,
        /** The broker closed the publishing channel (a refused publish, say); see the cause's reply code. */
        CHANNEL_CLOSED,
        /** The connection was lost before the broker confirmed it. */
        CONNECTION_LOST,
        /** The publisher, or its connection, was closed. */
        CLOSED,
        /** The publishing thread was interrupted while waiting for room in the window. */
        INTERRUPTED,
        /** Any other failure to send it. */
        FAILED
    }

    private final Reason reason;

    public PublishFailedException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
