package io.mqpool.amqp;

import io.mqpool.MqpoolException;

/** The broker could not be reached, refused the credentials, or refused access to the virtual host. */
public final class BrokerUnavailableException extends MqpoolException {
    /** Why the connection failed, coarse enough for exit codes and retry decisions. */
    public enum Reason { UNREACHABLE, AUTHENTICATION, ACCESS_REFUSED, PROTOCOL }

    private final Reason reason;

    public BrokerUnavailableException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** Whether trying again later could succeed (a down broker) rather than not (wrong credentials). */
    public boolean retryable() {
        return reason == Reason.UNREACHABLE;
    }
}
