package io.mqpool.worker;

import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Task threads abandoned mid-item (past their time limit, or on a closed channel), until the item they were
 * running returns. One still running it {@code grace} after its interrupt ignores interrupts: a runaway, which only
 * the end of the JVM stops. Thread-safe.
 */
final class AbandonedThreads {
    private record Abandoned(WorkerExit.Runaway item, long sinceNanos) {
    }

    private final Duration grace;
    private final LongSupplier nanoTime;
    // Guarded by this; in abandonment order.
    private final Map<Thread, Abandoned> threads = new LinkedHashMap<>();

    /** @param nanoTime the clock of the grace period, as {@link System#nanoTime} */
    AbandonedThreads(Duration grace, LongSupplier nanoTime) {
        this.grace = grace;
        this.nanoTime = nanoTime;
    }

    /** {@code thread} was interrupted and abandoned while it ran {@code item}. */
    synchronized void abandoned(Thread thread, WorkerExit.Runaway item) {
        threads.put(thread, new Abandoned(item, nanoTime.getAsLong()));
    }

    /** {@code thread}'s abandoned item returned (or threw): the thread is no runaway. */
    synchronized void returned(Thread thread) {
        threads.remove(thread);
    }

    /**
     * The item of the thread that has been running its abandoned item the longest, if that is {@code grace} or more
     * since its interrupt; forgets threads that died.
     */
    synchronized Optional<WorkerExit.Runaway> firstRunaway() {
        long now = nanoTime.getAsLong();
        for (Iterator<Map.Entry<Thread, Abandoned>> it = threads.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Thread, Abandoned> e = it.next();
            if (!e.getKey().isAlive()) {
                it.remove();
            } else if (now - e.getValue().sinceNanos() >= grace.toNanos()) {
                return Optional.of(e.getValue().item());
            }
        }
        return Optional.empty();
    }

    /** Threads abandoned whose item has not returned yet. */
    synchronized int size() {
        return threads.size();
    }
}
