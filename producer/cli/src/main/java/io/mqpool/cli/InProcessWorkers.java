package io.mqpool.cli;

import io.mqpool.RootCause;
import io.mqpool.amqp.NamedThreadFactory;
import io.mqpool.config.ConnectionSettings;
import io.mqpool.worker.Worker;
import io.mqpool.worker.WorkerExit;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;

/**
 * The workers of {@code --workers N} run in the command's own JVM (the default): one embedded worker with N task
 * threads on the command's broker and queue, which serves the job as N one-thread worker JVMs would, without a JVM
 * to start for each. Task output goes to the command's stderr, prefixed {@code [worker]}. A worker that stops itself
 * because a task ignored its interrupt past its time limit is replaced at once (the runaway thread lasts until the
 * command exits), as {@link LocalWorkers} replaces such a JVM.
 */
final class InProcessWorkers implements CommandWorkers {
    private final ConnectionSettings connection;
    private final String queue;
    private final int shards;
    private final int threads;
    private final PrintWriter err;
    private final PrintStream taskOutput;
    private final ThreadFactory starters = new NamedThreadFactory("mqpool-cli-worker-start", true);
    private final Object lock = new Object();
    private Worker current; // guarded by lock
    private CompletableFuture<Void> started; // the first worker's start; guarded by lock
    private boolean closing; // guarded by lock
    private volatile String ownPool;

    private InProcessWorkers(ConnectionSettings connection, String queue, int shards, int threads, PrintWriter err) {
        this.connection = connection;
        this.queue = queue;
        this.shards = shards;
        this.threads = threads;
        this.err = err;
        this.taskOutput = new PrintStream(new LinePrefixStream(err, "[worker] "), true, StandardCharsets.UTF_8);
    }

    /**
     * Starts the worker without waiting for it, so that the caller can connect and start its job meanwhile; a start
     * that fails is told to {@link #onStartFailure}.
     *
     * @throws IllegalArgumentException when a setting is out of range
     */
    static InProcessWorkers start(ConnectionSettings connection, String queue, int shards, int threads,
                                  PrintWriter err) {
        InProcessWorkers workers = new InProcessWorkers(connection, queue, shards, threads, err);
        synchronized (workers.lock) {
            workers.startOne();
        }
        return workers;
    }

    /** Builds and starts a worker; called holding lock. */
    private void startOne() {
        Worker worker = Worker.builder().connection(connection).queue(queue).shards(shards).concurrency(threads)
                .shutdownTimeout(SHUTDOWN_TIMEOUT).discoverTasks(InProcessWorkers.class.getClassLoader())
                .taskOutput(taskOutput).ownJobs(this::isOwnJob).build();
        current = worker;
        worker.terminated().thenAccept(this::replaceAfterRunaway);
        boolean first = started == null;
        CompletableFuture<Void> start = new CompletableFuture<>();
        if (first) {
            started = start;
        }
        // Worker.start, not startAsync, which also logs a failure: the command reports the first worker's failure
        // itself (onStartFailure), so that it is one line, and a replacement's here.
        starters.newThread(() -> {
            try {
                worker.start();
                start.complete(null);
            } catch (RuntimeException | InterruptedException e) {
                start.completeExceptionally(e);
                if (!first) {
                    reportReplacementFailure(e);
                }
            }
        }).start();
    }

    private void reportReplacementFailure(Exception e) {
        synchronized (lock) {
            if (closing) {
                return;
            }
        }
        synchronized (err) {
            err.println("[worker] the fresh worker could not start: " + RootCause.message(e));
            err.flush();
        }
    }

    private void replaceAfterRunaway(WorkerExit exit) {
        if (exit.reason() != WorkerExit.Reason.RUNAWAY_TASK) {
            return;
        }
        synchronized (lock) {
            if (closing) {
                return;
            }
            synchronized (err) {
                err.println("[worker] the thread of " + exit.runaway() + " ignored its interrupt after its time limit;"
                        + " starting a fresh worker");
                err.flush();
            }
            startOne();
        }
    }

    @Override
    public void poolStarted(String poolId) {
        ownPool = poolId;
    }

    /** A job of the command's pool: started after the worker, as its ids say ({@code <pool id>-<n>}). */
    private boolean isOwnJob(String job) {
        String pool = ownPool;
        return pool != null && job.startsWith(pool + "-");
    }

    /** Returns at once: the job's messages wait in the queue while the worker starts. */
    @Override
    public void awaitJobMayStart(Duration timeout) {
    }

    @Override
    public void onStartFailure(Consumer<RuntimeException> failed) {
        Worker worker;
        CompletableFuture<Void> start;
        synchronized (lock) {
            worker = current;
            start = started;
        }
        start.whenComplete((ok, e) -> {
            synchronized (lock) {
                if (e == null || closing) {
                    return;
                }
            }
            Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
            failed.accept(cause instanceof RuntimeException r ? r
                    : new IllegalStateException("worker " + worker.id() + " could not start: " + cause, cause));
        });
    }

    @Override
    public void close() {
        Worker worker;
        synchronized (lock) {
            closing = true;
            worker = current;
        }
        worker.close();
        taskOutput.close();
    }
}
