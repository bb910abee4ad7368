package io.mqpool.task;

import io.mqpool.MqpoolException;

/** Arguments that cannot be bound to a task's input type. */
public final class BadArgumentsException extends MqpoolException {
    public BadArgumentsException(String message, Throwable cause) {
        super(message, cause);
    }
}
