package io.mqpool.worker;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's stop-on-runaway decision, run by its watchdog: the first time an abandoned task thread is still
 * running its item past the grace period, it says so and completes {@link #detected()}, once: the worker stops on
 * it. A JVM cannot stop a thread, so only the end of the process ends that one. Thread-safe.
 */
final class RunawayGuard implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(RunawayGuard.class);

    private final AbandonedThreads threads;
    private final Duration grace;
    private final String workerId;
    private final CompletableFuture<WorkerExit> detected = new CompletableFuture<>();
    private final AtomicBoolean fired = new AtomicBoolean();

    RunawayGuard(AbandonedThreads threads, Duration grace, String workerId) {
        this.threads = threads;
        this.grace = grace;
        this.workerId = workerId;
    }

    /**
     * Completes, on the watchdog's thread, with the exit for the first runaway found; a dependent stage that stops
     * the worker must not wait for that stop there.
     */
    CompletionStage<WorkerExit> detected() {
        return detected;
    }

    /** One check; never throws. */
    @Override
    public void run() {
        if (fired.get()) {
            return;
        }
        try {
            Optional<WorkerExit.Runaway> runaway = threads.firstRunaway();
            if (runaway.isPresent() && fired.compareAndSet(false, true)) {
                log.warn("[{}] the thread of {} still runs {} ms after its time limit and interrupt; it ignores "
                        + "interrupts and only the end of the JVM stops it: this worker stops taking tasks, finishes "
                        + "its other runs and stops (the mqpool-worker command then exits 70 and bin/mqpool-worker "
                        + "starts a fresh one; an embedding application is told by Worker.terminated())", workerId,
                        runaway.get(), grace.toMillis());
                detected.complete(WorkerExit.runawayTask(runaway.get()));
            }
        } catch (RuntimeException e) {
            log.error("[{}] runaway check failure", workerId, e);
        }
    }

    /** Whether this guard has found a runaway. */
    boolean fired() {
        return fired.get();
    }
}
