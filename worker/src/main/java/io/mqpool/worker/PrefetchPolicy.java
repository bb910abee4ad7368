package io.mqpool.worker;

/**
 * Chooses the worker's prefetch from how long its task messages take.
 *
 * <p>A message holds its prefetch slot until its result is confirmed and its ack has reached the queue, a few
 * milliseconds after the task ends, and only then does the broker send the next one. A prefetch above the
 * concurrency hides that gap: the extra messages wait in the worker for a free slot (the concurrency bounds
 * what runs). For short messages (under {@link #SHORT_NANOS}) the gap dominates, so {@link #SHORT_BOOST} per
 * thread. For medium ones, {@link #MEDIUM_BOOST} per thread, so a thread that finishes finds its next message
 * at hand; an extra message then waits at most one medium message's time. Long messages (over
 * {@link #LONG_NANOS}) get exactly the concurrency, so that none sits behind a busy thread while another worker
 * is idle. The bands overlap (hysteresis), so the prefetch, whose change costs a new consumer, does not flap.
 * Thread-safe.
 */
final class PrefetchPolicy {
    static final int SHORT_BOOST = 4;
    static final int MEDIUM_BOOST = 2;
    static final long SHORT_NANOS = 10_000_000L;
    static final long LONG_NANOS = 200_000_000L;
    private static final double WEIGHT = 0.2;

    private enum Band { SHORT, MEDIUM, LONG }

    private final int concurrency;
    private final int fixed;
    private double averageNanos = -1;
    private Band band = Band.LONG;

    /** @param fixed a prefetch the user chose, or 0 to adapt */
    PrefetchPolicy(int concurrency, int fixed) {
        this.concurrency = concurrency;
        this.fixed = fixed;
    }

    synchronized void record(long messageNanos) {
        averageNanos = averageNanos < 0 ? messageNanos : averageNanos + WEIGHT * (messageNanos - averageNanos);
        band = switch (band) {
            case SHORT -> averageNanos > 2 * SHORT_NANOS ? medium() : Band.SHORT;
            case MEDIUM -> averageNanos < SHORT_NANOS ? Band.SHORT : averageNanos > LONG_NANOS ? Band.LONG : Band.MEDIUM;
            case LONG -> averageNanos < LONG_NANOS / 2 ? medium() : Band.LONG;
        };
    }

    private Band medium() {
        return averageNanos < SHORT_NANOS ? Band.SHORT : averageNanos > LONG_NANOS ? Band.LONG : Band.MEDIUM;
    }

    synchronized int prefetch() {
        if (fixed > 0) {
            return fixed;
        }
        return switch (band) {
            case SHORT -> concurrency * SHORT_BOOST;
            case MEDIUM -> concurrency * MEDIUM_BOOST;
            case LONG -> concurrency;
        };
    }
}
