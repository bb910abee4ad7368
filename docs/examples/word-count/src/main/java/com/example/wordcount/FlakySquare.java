package com.example.wordcount;

import io.mqpool.task.RetryPolicy;
import io.mqpool.task.Task;
import io.mqpool.task.TaskContext;
import java.time.Duration;

/**
 * {@code flaky_square}: n to n², after failing the first two attempts of every item, as a call to a service that
 * times out now and then would. Its retry policy allows 3 attempts, so every item succeeds on its third.
 */
public final class FlakySquare implements Task<Long, Long> {
    static final int FAILING_ATTEMPTS = 2;

    @Override
    public String name() {
        return WordCountTasks.FLAKY_SQUARE.name();
    }

    @Override
    public Class<Long> inputType() {
        return Long.class;
    }

    @Override
    public Long apply(Long n, TaskContext context) {
        if (context.attempt() <= FAILING_ATTEMPTS) {
            throw new TransientFailure("attempt " + context.attempt() + " of item " + context.index()
                    + " failed, as the first " + FAILING_ATTEMPTS + " always do");
        }
        return Math.multiplyExact(n, n);
    }

    @Override
    public RetryPolicy retryPolicy() {
        return RetryPolicy.attempts(3)
                .withBackoff(Duration.ofMillis(200), Duration.ofSeconds(2))
                .withRetryOn(TransientFailure.class);
    }

    /** What a flaky downstream service throws: worth another attempt. */
    public static final class TransientFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public TransientFailure(String message) {
            super(message);
        }
    }
}
