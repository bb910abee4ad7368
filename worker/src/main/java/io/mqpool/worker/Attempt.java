package io.mqpool.worker;

import io.mqpool.protocol.TaskMessage;
import io.mqpool.protocol.TraceParent;
import io.mqpool.task.RetryPolicy;
import io.mqpool.task.Task;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One run of a task message's items: which attempt it is ({@code TaskContext.attempt}), the retry policy in force,
 * and which of its items failed in a way that gives them another attempt. Thread-safe: the item threads mark, the
 * thread that answers the message reads.
 */
final class Attempt {
    private final int number;
    private final RetryPolicy policy;
    private final boolean counted;
    private final TraceParent trace;
    private final Set<Long> again = ConcurrentHashMap.newKeySet();

    /** @param counted whether a final failure says how many attempts ran: the item was under a retry policy */
    Attempt(int number, RetryPolicy policy, boolean counted) {
        this(number, policy, counted, null);
    }

    private Attempt(int number, RetryPolicy policy, boolean counted, TraceParent trace) {
        if (number < 1) {
            throw new IllegalArgumentException("attempt must be >= 1, got " + number);
        }
        this.number = number;
        this.policy = Objects.requireNonNull(policy, "policy");
        this.counted = counted;
        this.trace = trace;
    }

    /** This attempt (before any item ran) as part of the trace {@code trace}, or of none when null. */
    Attempt withTrace(TraceParent trace) {
        return new Attempt(number, policy, counted, trace);
    }

    /** The trace context the task message carried, or null. */
    TraceParent trace() {
        return trace;
    }

    /** Attempt {@code number} of the message's items: the task's policy, with the message's maxAttempts if set. */
    static Attempt of(Task<?, ?> task, TaskMessage message, int number) {
        RetryPolicy own = Objects.requireNonNullElse(task.retryPolicy(), RetryPolicy.NONE);
        RetryPolicy policy = message.maxAttempts() == null ? own : own.withMaxAttempts(message.maxAttempts());
        return new Attempt(number, policy, message.maxAttempts() != null || own.maxAttempts() > 1);
    }

    /** A first attempt without retries, as for a task without a policy. */
    static Attempt first() {
        return new Attempt(1, RetryPolicy.NONE, false);
    }

    int number() {
        return number;
    }

    RetryPolicy policy() {
        return policy;
    }

    /**
     * The task threw {@code failure} for item {@code index}: whether the item gets another attempt (it is then
     * remembered for {@link #again}).
     */
    boolean retry(long index, Throwable failure) {
        if (number < policy.maxAttempts() && policy.retries(failure)) {
            again.add(index);
            return true;
        }
        return false;
    }

    /** Whether item {@code index} was given another attempt. */
    boolean again(long index) {
        return again.contains(index);
    }

    /** What the error of an item that failed for good with {@code failure} adds to its message: "" or the attempts. */
    String finalNote(Throwable failure) {
        if (!counted) {
            return "";
        }
        String ran = " (after " + number + (number == 1 ? " attempt" : " attempts");
        if (number < policy.maxAttempts()) {
            return ran + "; " + failure.getClass().getName() + " is not retried)";
        }
        return ran + ")";
    }
}
