package io.mqpool.producer;

import io.mqpool.protocol.RemoteError;

/**
 * The result of one input item: a value, or the remote error.
 *
 * @param index the item's position in the input, from 0
 * @param value the result, null on failure (or when the task returned null)
 * @param error the failure, or null on success
 * @param <R> the result type
 */
public record Outcome<R>(long index, R value, RemoteError error) {
    public boolean isOk() {
        return error == null;
    }

    /** The value, or a {@link TaskFailedException} naming the index and the remote error. */
    public R get() {
        if (error != null) {
            throw new TaskFailedException(index, error);
        }
        return value;
    }
}
