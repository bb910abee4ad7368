package io.mqpool.producer;

/** How long to wait before publishing a refused task message again: doubling from 50 ms to 5 s. */
final class Backoff {
    private static final long FIRST_MS = 50;
    private static final long MAX_MS = 5_000;

    private Backoff() {
    }

    /** @param attempt publishes so far, from 1 */
    static long delayMillis(int attempt) {
        int doublings = Math.min(Math.max(attempt - 1, 0), 20);
        return Math.min(MAX_MS, FIRST_MS << doublings);
    }
}
