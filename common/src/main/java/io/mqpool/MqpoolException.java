package io.mqpool;

/**
 * The base of mqpool's own unchecked exceptions: a broker that cannot be reached or refuses us, a remote task
 * failure, a missed deadline, a malformed or oversized message. Misuse of the API raises the JDK's
 * {@link IllegalArgumentException} or {@link IllegalStateException} instead.
 */
public class MqpoolException extends RuntimeException {
    public MqpoolException(String message) {
        super(message);
    }

    public MqpoolException(String message, Throwable cause) {
        super(message, cause);
    }
}
