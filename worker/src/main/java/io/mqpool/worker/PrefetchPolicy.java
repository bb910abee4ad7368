package io.mqpool.worker;

import java.util.function.LongSupplier;

/**
 * Chooses the worker's prefetch from how long its task messages take to run, and how long their settling takes.
 *
 * <p>A message holds its prefetch slot until its result is confirmed and its ack has reached the queue, and the
 * broker sends the next one only then. By Little's law, a thread that runs a message in {@code R} and settles it
 * in {@code S} keeps busy only with about {@code 1 + 2S/R} messages at hand (the broker's delivery takes about as
 * long as the settling again), so short messages (under {@link #SHORT_NANOS}) get that many per thread, measured,
 * at least {@link #SHORT_BOOST} and in powers of two up to {@link #MAX_PREFETCH} in all. The extra messages wait in
 * the worker for a free thread; the concurrency bounds what runs. Medium ones get {@link #MEDIUM_BOOST} per thread,
 * so that a thread that finishes finds its next message at hand, and an extra message waits at most one medium
 * message's time. Long messages (over {@link #LONG_NANOS}) get exactly the concurrency, so that none sits behind a
 * busy thread while another worker is idle. The bands overlap (hysteresis), and the short band's figure rises at
 * once but falls only when a quarter of it would do, so the prefetch, whose change costs a new consumer, does not
 * flap. Thread-safe.
 */
final class PrefetchPolicy {
    static final int SHORT_BOOST = 4;
    static final int MEDIUM_BOOST = 2;
    /**
     * The cap, per worker: a quorum queue's cost per message grows with what its consumers hold. At chunk size 1 on
     * 2 cores, a cap of 1,024 gave 0.74 of the raw baseline's round trips, 256 gave 0.77-0.78, 128 0.78 and 64 0.66
     * (too few to cover the settling).
     */
    static final int MAX_PREFETCH = 256;
    static final long SHORT_NANOS = 10_000_000L;
    static final long LONG_NANOS = 200_000_000L;
    private static final double WEIGHT = 0.2;

    private enum Band { SHORT, MEDIUM, LONG }

    private final int concurrency;
    private final int fixed;
    private final LongSupplier nanoTime;
    private double averageNanos = -1;
    private double settleNanos = -1;
    private Band band = Band.LONG;
    private int shortPrefetch;

    /**
     * @param fixed a prefetch the user chose, or 0 to adapt
     * @param nanoTime the clock of settle times, as {@link System#nanoTime}
     */
    PrefetchPolicy(int concurrency, int fixed, LongSupplier nanoTime) {
        this.concurrency = concurrency;
        this.fixed = fixed;
        this.nanoTime = nanoTime;
        this.shortPrefetch = Math.min(MAX_PREFETCH, concurrency * SHORT_BOOST);
    }

    /** A message ran in {@code messageNanos}, from its first item's start to its last one's end. */
    synchronized void record(long messageNanos) {
        averageNanos = average(averageNanos, messageNanos);
        band = switch (band) {
            case SHORT -> averageNanos > 2 * SHORT_NANOS ? medium() : Band.SHORT;
            case MEDIUM -> averageNanos < SHORT_NANOS ? Band.SHORT : averageNanos > LONG_NANOS ? Band.LONG : Band.MEDIUM;
            case LONG -> averageNanos < LONG_NANOS / 2 ? medium() : Band.LONG;
        };
        updateShortPrefetch();
    }

    /** A message's answers are being published: run what this returns once they are all confirmed. */
    Runnable settling() {
        long start = nanoTime.getAsLong();
        return () -> recordSettle(nanoTime.getAsLong() - start);
    }

    private synchronized void recordSettle(long nanos) {
        settleNanos = average(settleNanos, nanos);
        updateShortPrefetch();
    }

    private static double average(double average, long sample) {
        return average < 0 ? sample : average + WEIGHT * (sample - average);
    }

    private void updateShortPrefetch() {
        if (averageNanos < 0 || settleNanos < 0) {
            return;
        }
        double perThread = 1 + 2 * settleNanos / Math.max(averageNanos, 1_000);
        int wanted = Math.max(concurrency * SHORT_BOOST, (int) Math.min(MAX_PREFETCH, Math.ceil(concurrency * perThread)));
        int rounded = Math.min(MAX_PREFETCH, Integer.highestOneBit(wanted - 1) << 1);
        if (wanted > shortPrefetch || wanted * 4 <= shortPrefetch) {
            shortPrefetch = Math.max(rounded, Math.min(MAX_PREFETCH, concurrency * SHORT_BOOST));
        }
    }

    private Band medium() {
        return averageNanos < SHORT_NANOS ? Band.SHORT : averageNanos > LONG_NANOS ? Band.LONG : Band.MEDIUM;
    }

    synchronized int prefetch() {
        if (fixed > 0) {
            return fixed;
        }
        return switch (band) {
            case SHORT -> shortPrefetch;
            case MEDIUM -> concurrency * MEDIUM_BOOST;
            case LONG -> concurrency;
        };
    }
}
