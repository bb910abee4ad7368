package io.mqpool.protocol;

/** A message body that is not a valid mqpool message; the message says what is wrong. */
public final class MalformedMessageException extends RuntimeException {
    public MalformedMessageException(String message, Throwable cause) {
        super(message, cause);
    }
}
