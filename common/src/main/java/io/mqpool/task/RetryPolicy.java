package io.mqpool.task;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * How the failed calls of a task are tried again: at most {@code maxAttempts} runs of an item in all, each retry
 * after an exponential backoff with full jitter, and only for the exception types that retry. Only an exception
 * thrown by {@link Task#apply} is retried; bad arguments, a result that cannot be written as JSON and a
 * {@code TIMEOUT} never are. The worker never sleeps for the delay: the item waits in a delay queue of the broker
 * (docs/PROTOCOL.md, "Retries"). Immutable.
 *
 * @param maxAttempts runs of one item in all, the first included: 1 (no retry) to {@value #MAX_ATTEMPTS}
 * @param baseDelay the longest delay before the second attempt; it doubles with every further attempt
 * @param maxDelay the cap of the delay, at least {@code baseDelay}, at most {@link #MAX_DELAY}
 * @param retryOn exception types that retry, matched with {@link Class#isInstance}; at least one
 * @param abortOn exception types that never retry, even when {@code retryOn} matches them too
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay,
                          List<Class<? extends Throwable>> retryOn, List<Class<? extends Throwable>> abortOn) {
    /** The most attempts a policy or a call may ask for. */
    public static final int MAX_ATTEMPTS = 100;
    /** The longest delay a policy may ask for: 12 hours. */
    public static final Duration MAX_DELAY = Duration.ofHours(12);
    public static final Duration DEFAULT_BASE_DELAY = Duration.ofSeconds(1);
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofMinutes(5);
    /** No retry: one attempt. A call that asks for more attempts gets the default backoff, on any exception. */
    public static final RetryPolicy NONE = new RetryPolicy(1, DEFAULT_BASE_DELAY, DEFAULT_MAX_DELAY,
            List.of(Exception.class), List.of());

    public RetryPolicy {
        if (maxAttempts < 1 || maxAttempts > MAX_ATTEMPTS) {
            throw new IllegalArgumentException("max attempts must be 1.." + MAX_ATTEMPTS + ", got " + maxAttempts);
        }
        requireDelay(baseDelay, "base delay");
        requireDelay(maxDelay, "max delay");
        if (maxDelay.compareTo(baseDelay) < 0) {
            throw new IllegalArgumentException("max delay (" + maxDelay.toMillis() + " ms) must be >= base delay ("
                    + baseDelay.toMillis() + " ms)");
        }
        retryOn = types(retryOn, "retryOn");
        abortOn = types(abortOn, "abortOn");
        if (retryOn.isEmpty()) {
            throw new IllegalArgumentException("retryOn must name at least one exception type");
        }
    }

    /** Up to {@code maxAttempts} runs with the default backoff (1 s doubling, at most 5 min), on any exception. */
    public static RetryPolicy attempts(int maxAttempts) {
        return NONE.withMaxAttempts(maxAttempts);
    }

    public RetryPolicy withMaxAttempts(int value) {
        return new RetryPolicy(value, baseDelay, maxDelay, retryOn, abortOn);
    }

    /** The backoff: the delay before attempt n+1 is uniform in [0, min(max, base × 2^(n−1))]. */
    public RetryPolicy withBackoff(Duration base, Duration max) {
        return new RetryPolicy(maxAttempts, base, max, retryOn, abortOn);
    }

    /** Only these exception types (and their subtypes) retry. */
    @SafeVarargs
    public final RetryPolicy withRetryOn(Class<? extends Throwable>... types) {
        List<Class<? extends Throwable>> list = new ArrayList<>(types.length);
        for (Class<? extends Throwable> t : types) {
            list.add(t);
        }
        return new RetryPolicy(maxAttempts, baseDelay, maxDelay, list, abortOn);
    }

    /** These exception types (and their subtypes) never retry. */
    @SafeVarargs
    public final RetryPolicy withAbortOn(Class<? extends Throwable>... types) {
        List<Class<? extends Throwable>> list = new ArrayList<>(types.length);
        for (Class<? extends Throwable> t : types) {
            list.add(t);
        }
        return new RetryPolicy(maxAttempts, baseDelay, maxDelay, retryOn, list);
    }

    /** Whether a call that failed with {@code failure} may run again: a retryOn type matches it, no abortOn type does. */
    public boolean retries(Throwable failure) {
        return !matches(abortOn, failure) && matches(retryOn, failure);
    }

    /**
     * The delay before the attempt after {@code failedAttempt} (from 1), in whole milliseconds: drawn uniformly from
     * 0 to min(maxDelay, baseDelay × 2^(failedAttempt−1)), both included ("full jitter").
     */
    public Duration delayAfter(int failedAttempt, RandomGenerator random) {
        if (failedAttempt < 1) {
            throw new IllegalArgumentException("failed attempt must be >= 1, got " + failedAttempt);
        }
        long cap = maxDelay.toMillis();
        long base = baseDelay.toMillis();
        int doublings = Math.min(failedAttempt - 1, 62);
        long ceiling = base > (cap >> doublings) ? cap : Math.min(cap, base << doublings);
        return Duration.ofMillis(ceiling == 0 ? 0 : random.nextLong(ceiling + 1));
    }

    private static boolean matches(List<Class<? extends Throwable>> types, Throwable failure) {
        for (Class<? extends Throwable> type : types) {
            if (type.isInstance(failure)) {
                return true;
            }
        }
        return false;
    }

    private static void requireDelay(Duration delay, String name) {
        if (delay == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        if (delay.isNegative()) {
            throw new IllegalArgumentException(name + " must be >= 0, got " + delay.toMillis() + " ms");
        }
        if (delay.compareTo(MAX_DELAY) > 0) {
            throw new IllegalArgumentException(name + " must be at most " + MAX_DELAY.toHours() + " h, got "
                    + delay.toMillis() + " ms");
        }
    }

    private static List<Class<? extends Throwable>> types(List<Class<? extends Throwable>> types, String name) {
        if (types == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        for (Class<? extends Throwable> t : types) {
            if (t == null) {
                throw new IllegalArgumentException(name + " must not contain null");
            }
        }
        return List.copyOf(types);
    }
}
