package io.mqpool.producer;

/**
 * Chooses how many items go in one task message when the caller does not say.
 *
 * <p>A job starts with one item per message, so that slow tasks spread over every worker thread from the
 * first item. Until the first timing arrives only {@link #PROBE_MESSAGES} such probes may be in flight, for at
 * most {@link #PROBE_NANOS}: fast tasks answer well within that, and are then chunked, instead of hundreds of
 * single-item messages each paying a message's whole cost; slow ones do not, and single items are right for
 * them, so the limit lapses. Workers report how long each message took ({@code us}); from the average time
 * per item the sizer picks chunks of about {@link #TARGET_MESSAGE_MICROS}, long enough to amortise a message's fixed
 * cost (publish, confirm, deliver, reply) and short enough to keep workers evenly loaded. A known input
 * size caps the chunk so that the input is cut into at least {@link #MIN_MESSAGES} messages. Not
 * thread-safe; the job guards it.
 */
final class ChunkSizer {
    /** Messages a known-size input is cut into at least, so that work spreads over workers. */
    static final int MIN_MESSAGES = 32;
    static final int MAX_CHUNK = 32_768;
    /** For an input of unknown size, before any measurement. */
    static final int STREAMING_CHUNK = 256;
    static final long TARGET_MESSAGE_MICROS = 100_000;
    static final int PROBE_MESSAGES = 8;
    static final long PROBE_NANOS = 20_000_000L;
    private static final double WEIGHT = 0.3;

    private final int cap;
    private double microsPerItem = -1;
    private long probeStart;
    private boolean probing;

    /** @param knownSize the input size, or -1 when unknown */
    ChunkSizer(long knownSize) {
        this.cap = knownSize < 0 ? MAX_CHUNK : capFor(knownSize);
    }

    /** The largest chunk for an input of {@code knownSize} items (-1: unknown). */
    static int choose(long knownSize) {
        return knownSize < 0 ? STREAMING_CHUNK : capFor(knownSize);
    }

    private static int capFor(long knownSize) {
        long chunk = (knownSize + MIN_MESSAGES - 1) / MIN_MESSAGES;
        return (int) Math.max(1, Math.min(MAX_CHUNK, chunk));
    }

    /** A worker spent {@code micros} on a message of {@code items} items. */
    void observe(long micros, int items) {
        if (items <= 0 || micros < 0) {
            return;
        }
        double sample = (double) micros / items;
        microsPerItem = microsPerItem < 0 ? sample : microsPerItem + WEIGHT * (sample - microsPerItem);
    }

    /**
     * Items that may be in flight at {@code nowNanos} as far as the sizer is concerned: {@link #PROBE_MESSAGES}
     * while it probes (from its first call until a timing arrives or {@link #PROBE_NANOS} pass), else no limit.
     */
    long inFlightLimit(long nowNanos) {
        if (microsPerItem >= 0) {
            return Long.MAX_VALUE;
        }
        if (!probing) {
            probing = true;
            probeStart = nowNanos;
        }
        return nowNanos - probeStart < PROBE_NANOS ? PROBE_MESSAGES : Long.MAX_VALUE;
    }

    /** Nanoseconds until the probe's limit lapses, or 0 when it does not apply. */
    long probeNanosLeft(long nowNanos) {
        return microsPerItem >= 0 || !probing ? 0 : Math.max(0, PROBE_NANOS - (nowNanos - probeStart));
    }

    /** The chunk to publish next. */
    int next() {
        if (microsPerItem < 0) {
            return 1;
        }
        double chunk = TARGET_MESSAGE_MICROS / Math.max(microsPerItem, 0.01);
        return (int) Math.max(1, Math.min(cap, chunk));
    }
}
