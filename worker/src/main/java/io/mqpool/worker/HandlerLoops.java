package io.mqpool.worker;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;

/**
 * Runs the handling of deliveries on at most {@code limit} threads of an executor. A thread that finishes one
 * takes the next waiting one itself, so a large prefetch of short messages costs neither a thread per message
 * nor a thread hand-off per message. The limit may grow while it runs (a thread abandoned in a timed-out item
 * keeps its loop, and the run's other items go on elsewhere); a new loop starts with the next submission.
 * Thread-safe.
 */
final class HandlerLoops implements java.util.concurrent.Executor {
    private final ExecutorService threads;
    private final IntSupplier limit;
    private final Queue<Runnable> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger loops = new AtomicInteger();

    /** @param limit how many loops may run now: the concurrency, plus the loops held by abandoned threads */
    HandlerLoops(ExecutorService threads, IntSupplier limit) {
        this.threads = threads;
        this.limit = limit;
    }

    /** @throws RejectedExecutionException once the threads are shut down: nothing more would run it */
    @Override
    public void execute(Runnable handling) {
        if (threads.isShutdown()) {
            throw new RejectedExecutionException("the worker's task threads are stopped");
        }
        waiting.add(handling);
        startLoops();
    }

    /** Handlings waiting for a loop. */
    int waiting() {
        return waiting.size();
    }

    private void startLoops() {
        while (!waiting.isEmpty()) {
            int running = loops.get();
            if (running >= limit.getAsInt()) {
                return;
            }
            if (loops.compareAndSet(running, running + 1)) {
                try {
                    threads.execute(this::loop);
                } catch (RejectedExecutionException e) {
                    // Stopped meanwhile: a forced stop, after which the broker takes every message back.
                    loops.decrementAndGet();
                    return;
                }
            }
        }
    }

    private void loop() {
        try {
            Runnable next;
            while ((next = waiting.poll()) != null) {
                next.run();
            }
        } finally {
            loops.decrementAndGet();
            startLoops();  // for one submitted between the last poll and the decrement
        }
    }
}
