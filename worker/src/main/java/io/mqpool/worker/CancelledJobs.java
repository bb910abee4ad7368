package io.mqpool.worker;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The jobs cancelled on the control stream, as a worker remembers them: bounded by age (a cancel older than the
 * stream's retention is forgotten, as the stream forgets it) and by count (the oldest go first). Thread-safe.
 */
final class CancelledJobs {
    private final long maxAgeMillis;
    private final int maxCount;
    private final LongSupplier clockMillis;
    // Guarded by this; in the order added, which is the stream's order.
    private final Map<String, Long> jobs = new LinkedHashMap<>();

    /** @param clockMillis the wall clock, as {@link System#currentTimeMillis} */
    CancelledJobs(Duration maxAge, int maxCount, LongSupplier clockMillis) {
        if (maxAge == null || maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("max age must be positive, got " + maxAge);
        }
        if (maxCount < 1) {
            throw new IllegalArgumentException("max count must be >= 1, got " + maxCount);
        }
        this.maxAgeMillis = maxAge.toMillis();
        this.maxCount = maxCount;
        this.clockMillis = clockMillis;
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

    synchronized boolean contains(String job) {
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
