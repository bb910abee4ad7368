package io.mqpool.worker;

import io.mqpool.MqpoolException;

/** A worker could not start: its initializer or a task's {@code open()} failed, or it was closed while starting. */
public final class WorkerStartException extends MqpoolException {
    public WorkerStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
