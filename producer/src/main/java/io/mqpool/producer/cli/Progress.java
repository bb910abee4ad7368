package io.mqpool.producer.cli;

import java.io.PrintWriter;

/** A single self-overwriting progress line on an interactive terminal's stderr; silent otherwise. */
final class Progress implements AutoCloseable {
    private static final long INTERVAL_NANOS = 250_000_000L;
    private static final long FIRST_AFTER_NANOS = 1_000_000_000L;

    private final PrintWriter err;
    private final boolean enabled;
    private final long start = System.nanoTime();
    private long lastPrint;
    private boolean printed;

    Progress(PrintWriter err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    void update(long done, long failed) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        if (now - start < FIRST_AFTER_NANOS || now - lastPrint < INTERVAL_NANOS) {
            return;
        }
        lastPrint = now;
        double seconds = (now - start) / 1e9;
        err.printf("\rmqpool: %,d done, %,d failed, %,.0f items/s   ", done, failed, done / seconds);
        err.flush();
        printed = true;
    }

    @Override
    public void close() {
        if (printed) {
            err.print("\r\033[K");
            err.flush();
        }
    }
}
