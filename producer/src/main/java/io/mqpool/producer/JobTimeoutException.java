package io.mqpool.producer;

import io.mqpool.MqpoolException;

/** A call did not complete within its {@link JobOptions#timeout()}. */
public final class JobTimeoutException extends MqpoolException {
    public JobTimeoutException(String message) {
        super(message);
    }
}
