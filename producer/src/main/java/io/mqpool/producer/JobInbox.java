package io.mqpool.producer;

import io.mqpool.MqpoolException;
import io.mqpool.protocol.ErrorCode;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.RemoteError;
import io.mqpool.protocol.ResultMessage;
import io.mqpool.protocol.TaskItem;
import io.mqpool.protocol.TaskMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The side of a job that the pool's connection threads write to: results, republish requests, resume markers and
 * failures land here, and the job's iterating thread takes them out. One lock guards the reorder buffer, the
 * retry queue, the resume state and the statistics; every change bumps a version, so that the iterating thread
 * can wait for a change without missing one. Thread-safe.
 */
final class JobInbox implements ResultSink {
    /** How long a cancelled job waits for the workers' answers before it answers the rest {@code CANCELLED}. */
    static final long CANCEL_GRACE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    private final String jobId;
    private final String traceparent;
    private final Window window;
    private final NanoClock clock;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // Guarded by lock.
    private final ReorderBuffer buffer;
    private final RetryQueue retries = new RetryQueue();
    private final ResumeState resume = new ResumeState();
    private RuntimeException failure;
    private boolean closed;
    private long version;
    private long published;
    private long republished;
    private long completed;
    private long retried;
    private long reorderPeak;
    private final PoolMeters meters;
    private boolean cancelled;
    private long cancelDeadline;

    JobInbox(String jobId, boolean ordered, Window window, NanoClock clock) {
        this(jobId, ordered, window, clock, PoolMeters.none(), null);
    }

    /**
     * @param meters where the items published, the results and the reorder buffer's depth are reported
     * @param traceparent what the job's task messages carry as their {@code traceparent} header, or null
     */
    JobInbox(String jobId, boolean ordered, Window window, NanoClock clock, PoolMeters meters, String traceparent) {
        this.meters = meters;
        this.traceparent = traceparent;
        this.jobId = jobId;
        this.window = window;
        this.clock = clock;
        this.buffer = new ReorderBuffer(ordered);
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
            long held = buffer.size();
            for (ItemResult r : message.results()) {
                if (!r.isOk() && ErrorCode.CANCELLED.name().equals(r.error().code())) {
                    markCancelled(); // a worker has seen the cancel, wherever it came from
                }
                if (buffer.accept(r)) {
                    meters.received(r.isOk());
                    completed++;
                    if (message.attempt() != null) {
                        retried++;
                    }
                }
            }
            if (message.us() != null) {
                window.observe(message.us(), message.results().size());
            }
            reorderPeak = Math.max(reorderPeak, buffer.size());
            meters.reorderDepth(buffer.size() - held);
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
            republished++;
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

    /**
     * The job is cancelled: it publishes nothing more, and it waits at most {@link #CANCEL_GRACE_NANOS} for the
     * workers' answers to what it published, then answers the rest itself. Idempotent.
     */
    @Override
    public void cancelled() {
        lock.lock();
        try {
            markCancelled();
            changed();
        } finally {
            lock.unlock();
        }
    }

    private void markCancelled() {
        if (!cancelled) {
            cancelled = true;
            cancelDeadline = clock.nanoTime() + CANCEL_GRACE_NANOS;
        }
    }

    boolean isCancelled() {
        lock.lock();
        try {
            return cancelled;
        } finally {
            lock.unlock();
        }
    }

    /** Nanoseconds until the cancelled job stops waiting for workers; 0 or less once it has. */
    long cancelGraceLeft(long nowNanos) {
        lock.lock();
        try {
            return cancelDeadline - nowNanos;
        } finally {
            lock.unlock();
        }
    }

    /** Results taken so far, one per index. */
    long completed() {
        lock.lock();
        try {
            return completed;
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
            long i = from;
            int added = 0;
            for (; i < to && added < max; i++) {
                if (!buffer.has(i) && buffer.accept(ItemResult.failed(i, error))) {
                    completed++;
                    added++;
                }
            }
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

    /** The job's queue held {@code messages} messages from an earlier run when it started. */
    void expectPriorResults(long messages) {
        lock.lock();
        try {
            resume.expect(messages, clock.nanoTime());
        } finally {
            lock.unlock();
        }
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
            int n = 0;
            while (n < max && buffer.hasReady()) {
                out.add(buffer.poll());
                n++;
            }
            meters.reorderDepth(-n);
            return n;
        } finally {
            lock.unlock();
        }
    }

    boolean awaitingPriorResults(long nowNanos) {
        lock.lock();
        try {
            return resume.awaiting(nowNanos);
        } finally {
            lock.unlock();
        }
    }

    long priorResultsNanosLeft(long nowNanos) {
        lock.lock();
        try {
            return resume.nanosLeft(nowNanos);
        } finally {
            lock.unlock();
        }
    }

    /** In a resumed job: whether the item has a result, or an earlier run published it and its result will come. */
    boolean alreadyCovered(long index) {
        lock.lock();
        try {
            return resume.resumed() && (buffer.has(index) || resume.publishedEarlier(index));
        } finally {
            lock.unlock();
        }
    }

    /**
     * The task messages due to be published again, each cut down to its items still unanswered: a result may have
     * come meanwhile (the broker had the message after all), and a message no item needs any more is dropped.
     */
    List<RetryQueue.Due> takeDueRetries(long nowNanos) {
        lock.lock();
        try {
            List<RetryQueue.Due> due = new ArrayList<>();
            for (RetryQueue.Due d : retries.takeDue(nowNanos)) {
                List<TaskItem> open = d.message().items().stream().filter(item -> !buffer.has(item.i())).toList();
                if (open.size() == d.message().items().size()) {
                    due.add(d);
                } else if (!open.isEmpty()) {
                    TaskMessage m = d.message();
                    due.add(new RetryQueue.Due(new TaskMessage(m.v(), m.job(), m.task(), open, m.timeoutMs()),
                            d.attempt()));
                }
            }
            return due;
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
            published += items;
            meters.published(items);
        } finally {
            lock.unlock();
        }
    }

    /** Stops taking results and drops those held; the statistics stay readable. */
    void close() {
        lock.lock();
        try {
            if (!closed) {
                meters.reorderDepth(-buffer.size());
                meters.abandoned(Math.max(0, published - completed));
            }
            closed = true;
            buffer.clear();
            changed();
        } finally {
            lock.unlock();
        }
    }

    JobStats stats() {
        lock.lock();
        try {
            return new JobStats(published, republished, completed, reorderPeak, buffer.duplicates(), buffer.strays(),
                    retried);
        } finally {
            lock.unlock();
        }
    }
}
