package io.mqpool.protocol;

import io.mqpool.MqpoolException;

/** An encoded message above the configured size limit. */
public final class MessageTooLargeException extends MqpoolException {
    private final long size;
    private final long limit;

    public MessageTooLargeException(String what, long size, long limit) {
        super(what + " is " + size + " bytes, above the " + limit + "-byte message limit (--max-message-size)");
        this.size = size;
        this.limit = limit;
    }

    public long size() {
        return size;
    }

    public long limit() {
        return limit;
    }
}
