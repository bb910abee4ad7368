package io.mqpool.amqp;

import io.mqpool.amqp.Unconfirmed.Publish;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Bounds the publishes awaiting their confirm (acquiring blocks while the window is full), and settles each
 * publish's future on the completion executor as it frees its place. Thread-safe.
 */
final class PublishWindow {
    private final int size;
    private final Executor completions;
    private final ExecutorService owned;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition room = lock.newCondition();
    // Guarded by lock.
    private int used;
    private boolean closed;

    /** @param completions where futures complete, or null for a thread of the window's own named after it */
    PublishWindow(int size, Executor completions, String name) {
        if (size < 1) {
            throw new IllegalArgumentException("the window must hold at least 1 publish, got " + size);
        }
        this.size = size;
        this.owned = completions == null
                ? Executors.newSingleThreadExecutor(new NamedThreadFactory("mqpool-confirms-" + name, true)) : null;
        this.completions = completions != null ? completions : owned;
    }

    /**
     * Frees the places of {@code done}, and completes their futures with {@code results} (one each, in order) in one
     * task of the completion executor: a confirm with {@code multiple} covers hundreds of publishes at chunk size 1,
     * and a task and a lock round each were a good part of a worker's cost per message.
     */
    void completeAll(List<Publish> done, PublishResult[] results) {
        if (done.isEmpty()) {
            return;
        }
        release(done.size());
        execute(() -> {
            for (int k = 0; k < results.length; k++) {
                done.get(k).future().complete(results[k]);
            }
        });
    }

    /** Frees the publish's place and fails its future. */
    void fail(Publish p, PublishFailedException failure) {
        release(1);
        execute(() -> p.future().completeExceptionally(failure));
    }

    /** Runs {@code r} on the completion executor, or here once that is shut down. */
    void execute(Runnable r) {
        try {
            completions.execute(r);
        } catch (RejectedExecutionException e) {
            r.run();
        }
    }

    /**
     * Takes a place for a publish to {@code queue}, waiting for one; returns null once taken, else why not:
     * {@code whenClosed}'s failure (built only then: a stack trace on every publish was a tenth of a worker's CPU), or
     * an interrupt.
     */
    PublishFailedException admit(String queue, Supplier<PublishFailedException> whenClosed) {
        try {
            return acquire() ? null : whenClosed.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new PublishFailedException(PublishFailedException.Reason.INTERRUPTED,
                    "interrupted while waiting to publish to '" + queue + "'", e);
        }
    }

    /** Takes a place, waiting for one; false if the window was closed. */
    boolean acquire() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (used >= size && !closed) {
                room.await();
            }
            if (closed) {
                return false;
            }
            used++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    private void release(int places) {
        lock.lock();
        try {
            used -= places;
            if (places == 1) {
                room.signal();
            } else {
                room.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    int used() {
        lock.lock();
        try {
            return used;
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiter; later acquisitions fail. */
    void close() {
        lock.lock();
        try {
            closed = true;
            room.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Stops the window's own completion thread once the completions queued so far have run. */
    void shutdown() {
        if (owned != null) {
            owned.shutdown();
        }
    }
}
