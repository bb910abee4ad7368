package io.mqpool.worker;

import io.mqpool.protocol.ErrorCode;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.RemoteError;
import io.mqpool.protocol.TaskMessage;
import io.mqpool.task.Task;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.LongSupplier;

/**
 * Runs the items of one task message under a per-item time limit.
 *
 * <p>A watchdog calls {@link #expireIfOverdue}: an item past its limit gets a {@code TIMEOUT} result, its
 * thread is interrupted and abandoned, and the remaining items continue on a fresh thread, so a runaway
 * task never holds the worker's slot or the message's acknowledgement. Every abandoned thread is reported to
 * {@link AbandonedThreads} until its item returns. Thread-safe.
 *
 * <p>The clock is read as an item returns: that reading ends it and starts the next. When no one records each
 * item's duration and items are tiny, it is read only every few items (up to {@value #MAX_STRIDE}; a reading was a
 * third of a tiny task's run on a virtual machine). An item started between readings has no exact start, so the
 * watchdog times it from when it first saw it running: late by at most one of its rounds, never early.
 */
final class MessageRun implements Runnable {
    /** The most items between two clock readings. */
    static final int MAX_STRIDE = 64;
    /** Items that took less than this on average are read in strides. */
    static final long STRIDE_ITEM_NANOS = 20_000;

    private final TaskMessage message;
    private final Task<?, ?> task;
    private final Attempt attempt;
    private final Duration limit;
    private final long limitNanos;
    private final TaskRunner runner;
    private final Executor executor;
    private final LongSupplier nanoTime;
    private final CompletableFuture<List<ItemResult>> finished = new CompletableFuture<>();
    private final AbandonedThreads abandoned;
    private final RunResults results;

    // Guarded by this.
    private int next;
    private int generation;
    private Thread owner;
    private long itemDeadline;
    /** Whether the current item's start was read: else the watchdog times it from {@link #watchedSince}. */
    private boolean deadlineExact;
    private int watchedIndex = -1;
    private long watchedSince;
    private boolean done;

    /**
     * @param executor where the remaining items go on after one timed out
     * @param nanoTime the clock of the item deadlines, as {@link System#nanoTime}
     * @param abandoned where threads abandoned mid-item are reported
     */
    MessageRun(TaskMessage message, Task<?, ?> task, Attempt attempt, Duration limit, TaskRunner runner, Executor executor,
               LongSupplier nanoTime, AbandonedThreads abandoned) {
        this.message = message;
        this.task = task;
        this.attempt = attempt;
        this.limit = limit;
        this.limitNanos = limit.toNanos();
        this.runner = runner;
        this.executor = executor;
        this.nanoTime = nanoTime;
        this.abandoned = abandoned;
        this.results = new RunResults(message.items());
    }

    @Override
    public void run() {
        int gen;
        long start = nanoTime.getAsLong();
        synchronized (this) {
            gen = generation;
            owner = Thread.currentThread();
            // Before the loop sets the item's own: with the initial 0 the watchdog would expire it at once.
            itemDeadline = start + limitNanos;
            deadlineExact = true;
        }
        boolean ranLast;
        runner.itemsStarted();
        try (ItemMdc mdc = runner.enter(task, message, attempt)) {
            ranLast = runItems(gen, mdc, start);
        } finally {
            runner.itemsReturned();
        }
        if (ranLast) {
            finished.complete(results.list());
        }
    }

    /**
     * Runs items until none is left (true) or this thread's generation is over (false).
     *
     * @param start when the first item starts; each next one starts when the last returned, so that one clock
     *     reading serves the durations, the next item's deadline and the worker's liveness (read after every item,
     *     or every few while they are tiny and no one times each)
     */
    private boolean runItems(int gen, ItemMdc mdc, long start) {
        ItemOutcome outcome = new ItemOutcome();
        int maxStride = runner.timesEachItem() ? 1 : MAX_STRIDE;
        int stride = 1;
        int sinceReading = 0;
        int k;
        synchronized (this) {
            if (gen != generation) {
                abandoned.returned(Thread.currentThread());
                return false;
            }
            k = next;
            if (startNext(k, start, true)) {
                return true;
            }
        }
        while (true) {
            runner.runItem(task, message, k, attempt, mdc, outcome);
            boolean read = ++sinceReading >= stride;
            if (read) {
                long end = nanoTime.getAsLong();
                runner.timed(task, end - start, end);
                stride = (end - start) / sinceReading < STRIDE_ITEM_NANOS ? Math.min(stride * 2, maxStride) : 1;
                start = end;
                sinceReading = 0;
            }
            // One lock per item: the end of this one and the start of the next.
            synchronized (this) {
                if (gen != generation) {
                    abandoned.returned(Thread.currentThread());
                    Thread.interrupted(); // the interrupt was for the abandoned item, not for what this thread runs next
                    return false;
                }
                results.put(k, outcome);
                k = k + 1;
                next = k;
                if (startNext(k, start, read)) {
                    return true;
                }
            }
        }
    }

    /**
     * Starts item {@code k}, its deadline from {@code start} (the clock's last reading, {@code exact} if taken as the
     * item starts), or ends the run when none is left (true). Called holding this.
     */
    private boolean startNext(int k, long start, boolean exact) {
        if (k == results.size()) {
            done = true;
            owner = null;
            return true;
        }
        itemDeadline = start + limitNanos;
        deadlineExact = exact;
        return false;
    }

    /**
     * Completes with the results of every item, in the message's order, on the thread that ran the last item; never
     * for a run that was {@link #abandon abandoned}.
     */
    CompletionStage<List<ItemResult>> finished() {
        return finished;
    }

    /** Times out the current item if it is past its limit; returns true if it did. */
    boolean expireIfOverdue(long nowNanos) {
        synchronized (this) {
            // next == length: the last item returned a moment ago, and this run is finishing.
            if (done || owner == null || next == results.size()) {
                return false;
            }
            long deadline = itemDeadline;
            if (!deadlineExact) {
                // Started after the last reading, at an unknown time before this watchdog first saw it running.
                if (watchedIndex != next) {
                    watchedIndex = next;
                    watchedSince = nowNanos;
                }
                if (watchedSince + limitNanos - deadline > 0) {
                    deadline = watchedSince + limitNanos;
                }
            }
            if (nowNanos - deadline < 0) {
                return false;
            }
            long index = results.index(next);
            results.put(next, ItemResult.failed(index, RemoteError.of(ErrorCode.TIMEOUT, "item " + index + " of task "
                    + task.name() + " exceeded its time limit of " + limit.toMillis() + " ms and was abandoned")));
            next++;
            generation++;
            abandonOwner(index);
        }
        executor.execute(this);
        return true;
    }

    String job() {
        return message.job();
    }

    /**
     * Ends this run for a cancelled job: the item in progress and those not started yet get {@code error}, the
     * item's thread is interrupted and abandoned (so a task that ignores the interrupt is a runaway, as after a
     * {@code TIMEOUT}), and {@link #finished()} completes on this thread. Returns false if already done.
     */
    boolean cancel(RemoteError error) {
        synchronized (this) {
            if (done) {
                return false;
            }
            if (owner != null && next < results.size()) {
                abandonOwner(results.index(next));
            }
            for (int k = next; k < results.size(); k++) {
                results.put(k, ItemResult.failed(results.index(k), error));
            }
            next = results.size();
            generation++;
            done = true;
            owner = null;
        }
        finished.complete(results.list());
        return true;
    }

    /**
     * Stops this run without answering: the broker took its message back (its channel was closed), so the
     * result would only duplicate the redelivery's. Interrupts the item in progress; returns false if already done.
     */
    boolean abandon() {
        synchronized (this) {
            if (done) {
                return false;
            }
            done = true;
            generation++;
            if (owner != null && next < results.size()) {
                abandonOwner(results.index(next));
            } else if (owner != null) {
                owner.interrupt();
                owner = null;
            }
            return true;
        }
    }

    /** Interrupts the thread running item {@code index} and reports it abandoned. Called holding this. */
    private void abandonOwner(long index) {
        abandoned.abandoned(owner, new WorkerExit.Runaway(task.name(), message.job(), index));
        owner.interrupt();
        owner = null;
    }
}
