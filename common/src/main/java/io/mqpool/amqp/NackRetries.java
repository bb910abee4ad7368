package io.mqpool.amqp;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What becomes of a publish the broker refused (nacked): sent again while attempts remain, after a backoff that
 * starts at {@code first} and doubles up to {@code max} (none when {@code first} is zero), else failed. A quorum
 * queue nacks while it elects a new leader, a second or two after its node is lost: a retry with no wait would be
 * refused as fast. Thread-safe.
 */
final class NackRetries {
    private static final Logger log = LoggerFactory.getLogger(NackRetries.class);

    private final String publisher;
    private final int attempts;
    private final Duration first;
    private final Duration max;
    private final ScheduledExecutorService scheduler;

    /** @param scheduler where a delayed resend waits; may be null when {@code first} is zero */
    NackRetries(String publisher, int attempts, Duration first, Duration max, ScheduledExecutorService scheduler) {
        this.publisher = publisher;
        this.attempts = attempts;
        this.first = first;
        this.max = max;
        this.scheduler = scheduler;
    }

    /**
     * A publish to {@code queue} was nacked on its attempt {@code attempt} (1 = the first send): runs {@code resend}
     * after the backoff and returns true, or returns false when it had its last attempt.
     */
    boolean retry(int attempt, String queue, Runnable resend) {
        if (attempt >= attempts) {
            return false;
        }
        long waitMs = millisAfter(attempt);
        log.warn("[{}] broker refused a publish to {}; retrying in {} ms", publisher, queue, waitMs);
        if (waitMs > 0) {
            scheduler.schedule(resend, waitMs, TimeUnit.MILLISECONDS);
        } else {
            resend.run();
        }
        return true;
    }

    /** Milliseconds to wait after failed attempt {@code attempt}. */
    long millisAfter(int attempt) {
        return Math.min(first.toMillis() << Math.min(attempt - 1, 20), max.toMillis());
    }

    /** How the last failure describes the attempts, e.g. {@code " 8 times"}. */
    String times() {
        return attempts > 1 ? " " + attempts + " times" : "";
    }
}
