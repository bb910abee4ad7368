package io.mqpool.producer;

import io.mqpool.MqpoolException;
import io.mqpool.protocol.ErrorCode;
import io.mqpool.protocol.IntegralResults;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.RemoteError;
import io.mqpool.protocol.ResultMessage;
import io.mqpool.protocol.TaskMessage;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The side of a job that the pool's connection threads write to: results, republish requests, resume markers and
 * failures land here, and the job's iterating thread takes them out. One lock guards the results and their counts
 * ({@link ResultLedger}) and the retry queue; every change bumps a version, so that the iterating thread can wait for
 * a change without missing one. The {@link #resume} and {@link #cancellation} parts guard themselves, and the job
 * reads them directly. Thread-safe.
 */
final class JobInbox implements ResultSink {
    private final String jobId;
    private final String traceparent;
    private final Window window;
    private final NanoClock clock;
    private final Cancellation cancellation;
    private final ResumeState resume = new ResumeState();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // Guarded by lock.
    private final ResultLedger ledger;
    private final RetryQueue retries = new RetryQueue();
    private RuntimeException failure;
    private boolean closed;
    private long version;

    /**
     * @param meters where the items published, the results and the reorder buffer's depth are reported
     * @param traceparent what the job's task messages carry as their {@code traceparent} header, or null
     */
    JobInbox(String jobId, boolean ordered, Window window, NanoClock clock, PoolMeters meters, String traceparent) {
        this.traceparent = traceparent;
        this.jobId = jobId;
        this.window = window;
        this.clock = clock;
        this.cancellation = new Cancellation(clock);
        this.ledger = new ResultLedger(ordered, meters);
    }

    /** What a resumed job learns from its queue's earlier messages, counted here as they arrive. */
    ResumeState resume() {
        return resume;
    }

    /** The job's cancel: set here when a worker answers an item {@code CANCELLED}, or the cancel comes from afar. */
    Cancellation cancellation() {
        return cancellation;
    }

    @Override
    public String traceparent() {
        return traceparent;
    }

    @Override
    public void deliver(ResultMessage message) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            resume.resultArrived();
            if (message.error() != null && message.results().isEmpty() && failure == null) {
                failure = new MqpoolException("a worker could not read a task message of job " + jobId + ": "
                        + message.error().summary());
            }
            // An IntegralResults holds values only; streaming it would make a result object per item.
            if (!(message.results() instanceof IntegralResults) && message.results().stream().anyMatch(r -> !r.isOk()
                    && ErrorCode.CANCELLED.name().equals(r.error().code()))) {
                cancellation.mark(); // a worker has seen the cancel, wherever it came from
            }
            ledger.accept(message.results(), message.attempt() != null);
            if (message.us() != null) {
                window.observe(message.us(), message.results().size());
            }
            changed();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void republish(TaskMessage message, int attempt) {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            retries.add(message, attempt, clock.nanoTime());
            ledger.countRepublished();
            changed();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void published(long[] indices) {
        lock.lock();
        try {
            resume.markerArrived(indices);
            changed();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void fail(RuntimeException cause) {
        lock.lock();
        try {
            if (failure == null) {
                failure = cause;
            }
            changed();
        } finally {
            lock.unlock();
        }
    }

    /** The job is cancelled: see {@link Cancellation}. Idempotent. */
    @Override
    public void cancelled() {
        lock.lock();
        try {
            cancellation.mark();
            changed();
        } finally {
            lock.unlock();
        }
    }

    /** Results taken so far, one per index. */
    long completed() {
        lock.lock();
        try {
            return ledger.completed();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Answers {@code CANCELLED} locally for up to {@code max} indexes from {@code from} (inclusive) to {@code to}
     * that have no result; returns the index to go on from.
     */
    long answerCancelled(long from, long to, int max) {
        lock.lock();
        try {
            RemoteError error = RemoteError.of(ErrorCode.CANCELLED, "job " + jobId
                    + " was cancelled before a worker answered this item");
            long i = ledger.answerLocally(from, to, max, error);
            changed();
            return i;
        } finally {
            lock.unlock();
        }
    }

    private void changed() {
        version++;
        changed.signalAll();
    }

    /** A counter of changes: wait on it with {@link #awaitChange}. */
    long version() {
        lock.lock();
        try {
            return version;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the version differs from {@code seen}, or {@code nanos} pass. */
    void awaitChange(long seen, long nanos) throws InterruptedException {
        lock.lock();
        try {
            long left = nanos;
            while (version == seen && left > 0) {
                left = changed.awaitNanos(left);
            }
        } finally {
            lock.unlock();
        }
    }

    RuntimeException failure() {
        lock.lock();
        try {
            return failure;
        } finally {
            lock.unlock();
        }
    }

    /** Moves up to {@code max} results that can be emitted to {@code out}; returns how many. */
    int drainTo(Queue<ItemResult> out, int max) {
        lock.lock();
        try {
            return ledger.drainTo(out, max);
        } finally {
            lock.unlock();
        }
    }

    /** In a resumed job: whether the item has a result, or an earlier run published it and its result will come. */
    boolean alreadyCovered(long index) {
        lock.lock();
        try {
            return resume.resumed() && (ledger.has(index) || resume.publishedEarlier(index));
        } finally {
            lock.unlock();
        }
    }

    /** The task messages due to be published again, each cut down to its items still unanswered. */
    List<RetryQueue.Due> takeDueRetries(long nowNanos) {
        lock.lock();
        try {
            return retries.takeDue(nowNanos, ledger::has);
        } finally {
            lock.unlock();
        }
    }

    boolean retryDue(long nowNanos) {
        lock.lock();
        try {
            return retries.hasDue(nowNanos);
        } finally {
            lock.unlock();
        }
    }

    long nanosUntilRetry(long nowNanos) {
        lock.lock();
        try {
            return retries.nanosUntilNext(nowNanos);
        } finally {
            lock.unlock();
        }
    }

    /** {@code items} items went out in a task message for the first time. */
    void countPublished(int items) {
        lock.lock();
        try {
            ledger.countPublished(items);
        } finally {
            lock.unlock();
        }
    }

    /** Stops taking results and drops those held; the statistics stay readable. */
    void close() {
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                ledger.close();
            }
            changed();
        } finally {
            lock.unlock();
        }
    }

    JobStats stats() {
        lock.lock();
        try {
            return ledger.stats();
        } finally {
            lock.unlock();
        }
    }
}
