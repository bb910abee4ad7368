package io.mqpool.producer;

import java.util.concurrent.TimeUnit;

/**
 * A job's cancel (PROTOCOL.md §18) as the job accounts for it: once cancelled, it waits at most
 * {@link #GRACE_NANOS} for the workers' answers to what it published, then answers every index left
 * {@code CANCELLED} itself, a batch at a time. Kept apart from the job so that its index arithmetic stands alone.
 * {@link #mark} and {@link #isCancelled} may be called from any thread, the rest only from the job's polling thread.
 */
final class Cancellation {
    /** How long a cancelled job waits for the workers' answers before it answers the rest {@code CANCELLED}. */
    static final long GRACE_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** Answers a batch of the indexes {@code from} to {@code to} (exclusive) that have no result; returns where to go on. */
    @FunctionalInterface
    interface LocalAnswers {
        long answer(long from, long to);
    }

    private final NanoClock clock;
    private volatile boolean cancelled;
    private volatile long deadline;
    // Touched only by the polling thread: the indexes below which every item is accounted for, those that were
    // published, and the next one to answer.
    private long end = -1;
    private long publishedEnd;
    private long next;

    Cancellation(NanoClock clock) {
        this.clock = clock;
    }

    /** The job is cancelled, here or by a worker's answer; the grace starts with the first call. Idempotent. */
    synchronized void mark() {
        if (!cancelled) {
            deadline = clock.nanoTime() + GRACE_NANOS;
            cancelled = true;
        }
    }

    boolean isCancelled() {
        return cancelled;
    }

    /** Nanoseconds until the cancelled job stops waiting for workers; 0 or less once it has. */
    long graceLeft(long nowNanos) {
        return deadline - nowNanos;
    }

    /**
     * Where the job's items end, fixed on the first call: at what it had read, or with the input's size known at
     * that size, so that its unread items are accounted for too.
     *
     * @param assigned the indexes the job had read (and published, as far as it goes)
     * @param knownSize the input's size, or a negative number when unknown
     */
    long end(long assigned, long knownSize) {
        if (end < 0) {
            publishedEnd = assigned;
            end = knownSize >= 0 ? Math.max(assigned, knownSize) : assigned;
        }
        return end;
    }

    /**
     * Once the workers have answered what was published ({@code completed} results), or the grace is over, has
     * {@code answers} answer the next batch of the remaining indexes; returns false while there is nothing to do yet.
     */
    boolean answerRest(long nowNanos, long completed, LocalAnswers answers) {
        if (next >= end || (completed < publishedEnd && graceLeft(nowNanos) > 0)) {
            return false;
        }
        next = answers.answer(next, end);
        return true;
    }
}
