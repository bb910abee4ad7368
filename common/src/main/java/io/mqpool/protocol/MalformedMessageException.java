package io.mqpool.protocol;

import io.mqpool.MqpoolException;

/** A message body that is not a valid mqpool message; the message says what is wrong. */
public final class MalformedMessageException extends MqpoolException {
    public MalformedMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
