package io.mqpool.producer;

import io.mqpool.MqpoolException;
import io.mqpool.protocol.RemoteError;

/** A task failed for one input item; carries the index and the remote code, type, message and stack. */
public final class TaskFailedException extends MqpoolException {
    private final long index;
    private final transient RemoteError error;

    public TaskFailedException(long index, RemoteError error) {
        super("item " + index + " failed: " + error.summary());
        this.index = index;
        this.error = error;
    }

    public long index() {
        return index;
    }

    public RemoteError error() {
        return error;
    }
}
