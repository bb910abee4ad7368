package io.mqpool.worker;

import io.mqpool.RootCause;
import io.mqpool.task.Task;
import io.mqpool.task.TaskRegistry;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker's lifecycle hooks: at start the initializer, then each task's {@code open()}; at close each opened task's
 * {@code close()}, in reverse order, then the close hook. Each runs at most once; {@link #close} waits for an
 * {@link #open} in progress. Thread-safe.
 */
final class TaskLifecycle {
    private static final Logger log = LoggerFactory.getLogger(TaskLifecycle.class);

    private final TaskRegistry registry;
    private final WorkerHook initializer;
    private final WorkerHook onClose;
    private final String workerId;
    // Guarded by this.
    private final List<Task<?, ?>> opened = new ArrayList<>();
    private boolean started;
    private boolean closed;

    /** @param initializer run once before the tasks open, or null; @param onClose run once at close, or null */
    TaskLifecycle(TaskRegistry registry, WorkerHook initializer, WorkerHook onClose, String workerId) {
        this.registry = registry;
        this.initializer = initializer;
        this.onClose = onClose;
        this.workerId = workerId;
    }

    /**
     * Runs the initializer, then opens the tasks; the first failure stops there.
     *
     * @throws WorkerStartException naming what failed and its cause, or when already closed
     * @throws IllegalStateException when called a second time
     */
    synchronized void open() {
        if (closed) {
            throw new WorkerStartException("worker " + workerId + " was closed before it started", null);
        }
        if (started) {
            throw new IllegalStateException("the lifecycle of worker " + workerId + " was already opened");
        }
        started = true;
        if (initializer != null) {
            run(initializer, "the initializer of worker " + workerId + " failed");
        }
        for (Task<?, ?> task : registry.tasks()) {
            run(task::open, "task " + task.name() + " failed to open");
            opened.add(task);
        }
    }

    private static void run(WorkerHook hook, String what) {
        try {
            hook.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new WorkerStartException(what + ": interrupted", e);
        } catch (Exception | LinkageError e) {
            throw new WorkerStartException(what + ": " + describe(e), e);
        }
    }

    /** The innermost cause's type and message, e.g. {@code java.sql.SQLException: connection refused}. */
    private static String describe(Throwable e) {
        Throwable root = RootCause.of(e);
        return root.getClass().getName() + ": " + RootCause.message(root);
    }

    /** Closes the opened tasks, last first, then runs the close hook; logs what fails. Idempotent. */
    synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int k = opened.size() - 1; k >= 0; k--) {
            Task<?, ?> task = opened.get(k);
            closeQuietly(task::close, "task " + task.name());
        }
        opened.clear();
        if (onClose != null) {
            closeQuietly(onClose, "the close hook");
        }
    }

    private void closeQuietly(WorkerHook hook, String what) {
        try {
            hook.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("[{}] {} was interrupted while closing", workerId, what);
        } catch (Exception | LinkageError e) {
            log.warn("[{}] {} failed to close: {}", workerId, what, describe(e), e);
        }
    }
}
