package io.mqpool.producer;

import java.util.BitSet;
import java.util.concurrent.TimeUnit;

/**
 * What a resumed job learns from the messages its result queue already held: until it has read them (or a grace
 * period passed) it publishes nothing, and then it skips the items an earlier run answered or had published,
 * as the markers in the queue tell. Thread-safe: the pool's connection threads count the messages, the job's
 * polling thread asks.
 */
final class ResumeState {
    /** How long a resumed job waits for the messages its queue already holds before it publishes. */
    static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(10);

    private long priorMessages;
    private long deadline;
    private long received;
    private final BitSet publishedEarlier = new BitSet();

    /** The job's queue held {@code messages} messages when it started, at {@code nowNanos}. */
    synchronized void expect(long messages, long nowNanos) {
        priorMessages = messages;
        deadline = nowNanos + GRACE_NANOS;
    }

    /** Whether an earlier run left messages: only then are items checked before publishing. */
    synchronized boolean resumed() {
        return priorMessages > 0;
    }

    /** A result message arrived. */
    synchronized void resultArrived() {
        received++;
    }

    /** A marker arrived: an earlier run had these items confirmed published. */
    synchronized void markerArrived(long[] indices) {
        received++;
        for (long i : indices) {
            if (i >= 0 && i <= Integer.MAX_VALUE) {
                publishedEarlier.set((int) i);
            }
        }
    }

    /** Whether the job still waits for the messages its queue held, within the grace period. */
    synchronized boolean awaiting(long nowNanos) {
        return received < priorMessages && nowNanos - deadline < 0;
    }

    /** Nanoseconds left of the grace period, at least 1. */
    synchronized long nanosLeft(long nowNanos) {
        return Math.max(1, deadline - nowNanos);
    }

    synchronized boolean publishedEarlier(long index) {
        return index >= 0 && index <= Integer.MAX_VALUE && publishedEarlier.get((int) index);
    }
}
