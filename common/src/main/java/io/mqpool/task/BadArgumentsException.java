package io.mqpool.task;

/** Arguments that cannot be bound to a task's input type. */
public final class BadArgumentsException extends RuntimeException {
    public BadArgumentsException(String message, Throwable cause) {
        super(message, cause);
    }
}
