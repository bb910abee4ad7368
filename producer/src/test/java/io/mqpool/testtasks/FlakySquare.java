package io.mqpool.testtasks;

import io.mqpool.task.RetryPolicy;
import io.mqpool.task.Task;
import io.mqpool.task.TaskContext;
import java.time.Duration;

/**
 * {@code flaky_square(n)}: n², but only from its third attempt on; attempts 1 and 2 of every item throw, as a call to
 * a downstream service that times out twice would. Its policy allows 3 attempts, 20 ms doubling up to 200 ms.
 */
public final class FlakySquare implements Task<Long, Long> {
    /** Thrown by the first two attempts: retried. */
    public static final class TransientFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TransientFailure(String message) {
            super(message);
        }
    }

    @Override
    public String name() {
        return "flaky_square";
    }

    @Override
    public Class<Long> inputType() {
        return Long.class;
    }

    @Override
    public RetryPolicy retryPolicy() {
        return RetryPolicy.attempts(3).withBackoff(Duration.ofMillis(20), Duration.ofMillis(200))
                .withRetryOn(TransientFailure.class);
    }

    @Override
    public Long apply(Long n, TaskContext context) {
        if (context.attempt() <= 2) {
            throw new TransientFailure("flaky_square(" + n + ") failed on attempt " + context.attempt());
        }
        return n * n;
    }
}
