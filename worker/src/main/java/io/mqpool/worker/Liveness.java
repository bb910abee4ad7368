package io.mqpool.worker;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * Whether a worker's delivery path makes progress, with no broker check (a lost broker is not cured by a restart).
 * It fails when the watchdog that enforces time limits has stopped running, or when deliveries wait for a handler
 * while task slots are free and nothing has moved for {@link #STALL}: then the handler loops are stuck outside
 * the tasks. An idle worker, or one whose slots are all busy (the watchdog ends overdue items), is live.
 * Thread-safe.
 */
final class Liveness {
    static final Duration STALL = Duration.ofSeconds(60);
    static final Duration WATCHDOG_STALL = Duration.ofSeconds(30);

    private final IntSupplier waiting;
    private final IntSupplier freeSlots;
    private final LongSupplier lastProgress;
    private final LongSupplier nanoTime;
    private final AtomicLong watchdogTick = new AtomicLong();
    /** Whether the watchdog has started: before, the worker is starting, which is no stall. */
    private volatile boolean watched;

    /**
     * @param waiting deliveries waiting for a handler loop
     * @param freeSlots task slots free now
     * @param lastProgress when an item last finished or a delivery was last taken, by {@code nanoTime}
     * @param nanoTime the clock, as {@link System#nanoTime}
     */
    Liveness(IntSupplier waiting, IntSupplier freeSlots, LongSupplier lastProgress, LongSupplier nanoTime) {
        this.waiting = waiting;
        this.freeSlots = freeSlots;
        this.lastProgress = lastProgress;
        this.nanoTime = nanoTime;
    }

    /** The watchdog ran: called on its thread, on its schedule. */
    void watchdogTicked() {
        watchdogTick.set(nanoTime.getAsLong());
        watched = true;
    }

    Probe check() {
        long now = nanoTime.getAsLong();
        long watchdogIdle = now - watchdogTick.get();
        if (watched && watchdogIdle > WATCHDOG_STALL.toNanos()) {
            return Probe.failing("the time-limit watchdog has not run for " + watchdogIdle / 1_000_000_000 + " s");
        }
        int queued = waiting.getAsInt();
        long still = now - lastProgress.getAsLong();
        if (queued > 0 && freeSlots.getAsInt() > 0 && still > STALL.toNanos()) {
            return Probe.failing(queued + " deliveries wait with task slots free, and nothing moved for "
                    + still / 1_000_000_000 + " s");
        }
        return Probe.OK;
    }
}
