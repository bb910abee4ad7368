package io.mqpool.worker;

import io.mqpool.RootCause;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

/** Whether a worker consumes: set once by its start, or failed by a failed start or a close first. Thread-safe. */
final class Readiness {
    private final CompletableFuture<Void> future = new CompletableFuture<>();
    private final String workerId;
    private final BooleanSupplier closed;

    /** @param closed whether the worker was closed: a closed worker is not ready, whatever happened before */
    Readiness(String workerId, BooleanSupplier closed) {
        this.workerId = workerId;
        this.closed = closed;
    }

    void ready() {
        future.complete(null);
    }

    /** Has no effect once ready or failed. */
    void failed(Throwable cause) {
        future.completeExceptionally(cause);
    }

    /** The readiness probe: consuming, connected and not stopping; else why not. */
    Probe probe(boolean connected) {
        if (closed.getAsBoolean()) {
            return Probe.failing("draining: the worker is stopping");
        }
        if (!future.isDone() || future.isCompletedExceptionally()) {
            return Probe.failing("not consuming yet: the worker is starting");
        }
        return connected ? Probe.OK : Probe.failing("not connected to the broker: reconnecting");
    }

    /** A future of the start, for the caller (completing it changes nothing here). */
    CompletableFuture<Void> future() {
        return future.copy();
    }

    /**
     * @return true if ready and not closed, false if the timeout passed first or the worker was closed
     * @throws RuntimeException the exception the start failed with
     */
    boolean await(Duration timeout) throws InterruptedException {
        if (timeout == null) {
            throw new IllegalArgumentException("timeout must not be null");
        }
        try {
            future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return !closed.getAsBoolean();
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            if (closed.getAsBoolean()) {
                return false;
            }
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new WorkerStartException("worker " + workerId + " did not start: " + RootCause.message(e.getCause()),
                    e.getCause());
        }
    }
}
