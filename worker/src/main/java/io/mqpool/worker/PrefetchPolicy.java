package io.mqpool.worker;

/**
 * Chooses the worker's prefetch from how long its task messages take.
 *
 * <p>A message holds its prefetch slot until its result is confirmed, a few milliseconds after the task
 * ends. For long tasks that is noise, and a prefetch equal to the concurrency keeps messages from waiting
 * behind busy threads while another worker is idle. For short tasks the confirm wait dominates, so the
 * policy lets more messages in ({@link #BOOST} per thread) to keep the threads busy. Hysteresis keeps it
 * from flapping. Thread-safe.
 */
final class PrefetchPolicy {
    static final int BOOST = 4;
    static final long SHORT_NANOS = 10_000_000L;
    static final long LONG_NANOS = 50_000_000L;
    private static final double WEIGHT = 0.2;

    private final int concurrency;
    private final int fixed;
    private double averageNanos = -1;
    private boolean boosted;

    /** @param fixed a prefetch the user chose, or 0 to adapt */
    PrefetchPolicy(int concurrency, int fixed) {
        this.concurrency = concurrency;
        this.fixed = fixed;
    }

    synchronized void record(long messageNanos) {
        averageNanos = averageNanos < 0 ? messageNanos : averageNanos + WEIGHT * (messageNanos - averageNanos);
        if (!boosted && averageNanos < SHORT_NANOS) {
            boosted = true;
        } else if (boosted && averageNanos > LONG_NANOS) {
            boosted = false;
        }
    }

    synchronized int prefetch() {
        if (fixed > 0) {
            return fixed;
        }
        return boosted ? concurrency * BOOST : concurrency;
    }
}
