package io.mqpool.producer;

import io.mqpool.protocol.TaskItem;
import io.mqpool.protocol.TaskMessage;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongPredicate;

/**
 * Task messages the broker refused or lost before confirming them, waiting out their {@link Backoff} before they
 * are published again. Not thread-safe; the job's inbox guards it.
 */
final class RetryQueue {
    /** A message due to be published again, as attempt {@code attempt}. */
    record Due(TaskMessage message, int attempt) {
    }

    private record Waiting(TaskMessage message, int attempt, long notBefore) {
    }

    private final List<Waiting> waiting = new ArrayList<>();

    /** @param attempt how many times the message has been published so far */
    void add(TaskMessage message, int attempt, long nowNanos) {
        waiting.add(new Waiting(message, attempt,
                nowNanos + TimeUnit.MILLISECONDS.toNanos(Backoff.delayMillis(attempt))));
    }

    boolean hasDue(long nowNanos) {
        for (Waiting w : waiting) {
            if (w.notBefore() - nowNanos <= 0) {
                return true;
            }
        }
        return false;
    }

    /** Removes and returns the messages whose backoff is over, each with its next attempt number. */
    List<Due> takeDue(long nowNanos) {
        List<Due> due = new ArrayList<>();
        for (Iterator<Waiting> it = waiting.iterator(); it.hasNext(); ) {
            Waiting w = it.next();
            if (w.notBefore() - nowNanos <= 0) {
                due.add(new Due(w.message(), w.attempt() + 1));
                it.remove();
            }
        }
        return due;
    }

    /**
     * As {@link #takeDue(long)}, each message cut down to its items not yet {@code answered}: a result may have come
     * meanwhile (the broker had the message after all), and a message no item needs any more is dropped.
     */
    List<Due> takeDue(long nowNanos, LongPredicate answered) {
        List<Due> due = new ArrayList<>();
        for (Due d : takeDue(nowNanos)) {
            List<TaskItem> open = d.message().items().stream().filter(item -> !answered.test(item.i())).toList();
            if (open.size() == d.message().items().size()) {
                due.add(d);
            } else if (!open.isEmpty()) {
                TaskMessage m = d.message();
                due.add(new Due(m.withItems(open), d.attempt()));
            }
        }
        return due;
    }

    /** Nanoseconds until the next backoff ends (at least 1), or {@link Long#MAX_VALUE} when nothing waits. */
    long nanosUntilNext(long nowNanos) {
        long next = Long.MAX_VALUE;
        for (Waiting w : waiting) {
            next = Math.min(next, Math.max(1, w.notBefore() - nowNanos));
        }
        return next;
    }
}
