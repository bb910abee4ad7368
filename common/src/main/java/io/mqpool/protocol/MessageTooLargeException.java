package io.mqpool.protocol;

/** An encoded message above the configured size limit. */
public final class MessageTooLargeException extends RuntimeException {
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
