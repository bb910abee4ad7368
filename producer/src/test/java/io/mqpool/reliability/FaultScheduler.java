package io.mqpool.reliability;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs fault actions off the consuming thread, one at a time and in order, on a thread named
 * {@code mqpool-test-faults-NAME-N}: queued ones ({@link #async}) and periodic ones ({@link #every}). Failures are
 * kept and rethrown by {@link #awaitFaults} and {@link #stopPeriodic}, so a broken fault fails its test. Closing
 * interrupts whatever still runs.
 */
public final class FaultScheduler implements AutoCloseable {
    private final ScheduledExecutorService executor;
    private final List<Future<?>> queued = new CopyOnWriteArrayList<>();
    private final List<Throwable> periodicFailures = new CopyOnWriteArrayList<>();
    private volatile ScheduledFuture<?> periodic;

    public FaultScheduler(String name) {
        AtomicInteger ids = new AtomicInteger(1);
        ScheduledThreadPoolExecutor ex = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "mqpool-test-faults-" + name + "-" + ids.getAndIncrement());
            t.setDaemon(true);
            return t;
        });
        ex.setRemoveOnCancelPolicy(true);
        this.executor = ex;
    }

    /** A trigger (for {@link JobDriver}) that queues {@code fault}; it runs once the faults queued before it ended. */
    public JobDriver.ThrowingRunnable async(JobDriver.ThrowingRunnable fault) {
        return () -> queued.add(executor.submit(() -> {
            fault.run();
            return null;
        }));
    }

    /** Runs {@code fault} every {@code period}, the first after one period; a late run delays the next. */
    public void every(Duration period, JobDriver.ThrowingRunnable fault) {
        every(period, period, fault);
    }

    /** Runs {@code fault} after {@code initialDelay}, then every {@code period}; a late run delays the next. */
    public void every(Duration initialDelay, Duration period, JobDriver.ThrowingRunnable fault) {
        if (periodic != null) {
            throw new IllegalStateException("a periodic fault is already scheduled");
        }
        periodic = executor.scheduleAtFixedRate(() -> {
            try {
                fault.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception | Error e) {
                periodicFailures.add(e);
                throw new IllegalStateException("periodic fault failed; no further runs", e);
            }
        }, initialDelay.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Stops the periodic fault, waits for a run in progress to end, and rethrows the first failure of any run. */
    public void stopPeriodic(Duration timeout) throws Exception {
        ScheduledFuture<?> p = periodic;
        if (p != null) {
            p.cancel(false);
            // A no-op queued behind a run in progress completes only after that run.
            executor.submit(() -> { }).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }
        if (!periodicFailures.isEmpty()) {
            throw new AssertionError("a periodic fault failed", periodicFailures.get(0));
        }
    }

    /** Waits for every queued fault to end, and rethrows the first failure. */
    public void awaitFaults(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (Future<?> f : queued) {
            f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
