package io.mqpool.worker;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * The jobs cancelled on the control stream, as a worker remembers them: bounded by age (a cancel older than the
 * stream's retention is forgotten, as the stream forgets it) and by count (the oldest go first). Thread-safe.
 *
 * <p>A worker consumes tasks while it reads the stream's backlog, so until {@link #backlogRead()} a question about a
 * job waits for it: a task of a job cancelled before the worker started must not run. A job of this process's own
 * started after the worker (say by the pool beside an embedded worker) cannot have a cancel in the backlog, and
 * is answered at once.
 */
final class CancelledJobs {
    private final long maxAgeMillis;
    private final int maxCount;
    private final LongSupplier clockMillis;
    private final Predicate<String> ownJobs;
    private final Duration backlogWait;
    private final CountDownLatch backlog;
    // Guarded by this; in the order added, which is the stream's order.
    private final Map<String, Long> jobs = new LinkedHashMap<>();

    /** Jobs with no backlog to wait for, as after {@link #backlogRead()}. */
    CancelledJobs(Duration maxAge, int maxCount, LongSupplier clockMillis) {
        this(maxAge, maxCount, clockMillis, job -> false, Duration.ZERO);
        backlogRead();
    }

    /**
     * @param clockMillis the wall clock, as {@link System#currentTimeMillis}
     * @param ownJobs the jobs that need not wait for the backlog
     * @param backlogWait the longest a question waits for the backlog, a guard: {@link #backlogRead()} is due sooner
     */
    CancelledJobs(Duration maxAge, int maxCount, LongSupplier clockMillis, Predicate<String> ownJobs,
                  Duration backlogWait) {
        if (maxAge == null || maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("max age must be positive, got " + maxAge);
        }
        if (maxCount < 1) {
            throw new IllegalArgumentException("max count must be >= 1, got " + maxCount);
        }
        this.maxAgeMillis = maxAge.toMillis();
        this.maxCount = maxCount;
        this.clockMillis = clockMillis;
        this.ownJobs = ownJobs;
        this.backlogWait = backlogWait;
        this.backlog = new CountDownLatch(1);
    }

    /** The stream's backlog is read, or given up on: from now on no question waits. Idempotent. */
    void backlogRead() {
        backlog.countDown();
    }

    /** Remembers that {@code job} was cancelled at {@code atMillis}; returns false if known already or too old. */
    synchronized boolean add(String job, long atMillis) {
        expire();
        if (clockMillis.getAsLong() - atMillis >= maxAgeMillis || jobs.containsKey(job)) {
            return false;
        }
        jobs.put(job, atMillis);
        if (jobs.size() > maxCount) {
            Iterator<String> oldest = jobs.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        return true;
    }

    /** Whether {@code job} was cancelled; waits for the backlog first unless it is read or the job is our own. */
    boolean contains(String job) {
        if (backlog.getCount() > 0 && !ownJobs.test(job)) {
            awaitBacklog();
        }
        return known(job);
    }

    private void awaitBacklog() {
        try {
            backlog.await(backlogWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // a stop: answer from what is known
        }
    }

    private synchronized boolean known(String job) {
        Long at = jobs.get(job);
        if (at == null) {
            return false;
        }
        if (clockMillis.getAsLong() - at >= maxAgeMillis) {
            jobs.remove(job);
            return false;
        }
        return true;
    }

    synchronized int size() {
        expire();
        return jobs.size();
    }

    /** Drops entries past the age limit; entries are checked in the order added, which is close to age order. */
    private void expire() {
        long now = clockMillis.getAsLong();
        jobs.values().removeIf(at -> now - at >= maxAgeMillis);
    }
}
