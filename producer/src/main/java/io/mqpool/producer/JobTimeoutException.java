package io.mqpool.producer;

/** A call did not complete within its {@link JobOptions#timeout()}. */
public final class JobTimeoutException extends RuntimeException {
    public JobTimeoutException(String message) {
        super(message);
    }
}
