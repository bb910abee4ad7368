package io.mqpool.worker;

import io.mqpool.RootCause;
import io.mqpool.amqp.BrokerUnavailableException;
import io.mqpool.amqp.ControlStream;
import io.mqpool.amqp.NamedThreadFactory;
import io.mqpool.protocol.ControlRecord;
import io.mqpool.protocol.ErrorCode;
import io.mqpool.protocol.RemoteError;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Has a worker follow the control stream (PROTOCOL.md §18) from its first record, so that a job cancelled before the
 * worker started is honoured too. The reader has a connection of its own ({@link ControlStream#follow}), opened on a
 * thread of its own as soon as the worker starts: the stream's backlog is read while the worker connects, declares
 * its queues and consumes, and a task runs once it is read ({@link #catchUpInBackground()}). When the
 * stream cannot be read (say the worker's user has no permission on it) the worker runs without job control: logged
 * as a warning, and cancels are not honoured. Owned by the worker; closing it closes the reader's connection.
 */
final class WorkerControl implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerControl.class);
    /** How long a starting worker waits for the stream's backlog before it consumes tasks all the same. */
    static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(10);
    /** Cancelled jobs remembered at the most; the oldest are forgotten first. */
    static final int MAX_CANCELLED = 100_000;

    private final QueueWiring.Parts parts;
    private final String id;
    private final CancelledJobs cancelled;
    private final ControlListener listener;
    private final ThreadFactory threads = new NamedThreadFactory("mqpool-worker-control", true);
    private final CompletableFuture<ControlStream.Subscription> first = new CompletableFuture<>();
    private volatile ControlStream.Subscription retried;

    private WorkerControl(QueueWiring.Parts parts, Predicate<String> ownJobs) {
        this.parts = parts;
        this.id = parts.settings().workerId();
        // The guard outlasts the catch-up's own bounds: the first open's wait, then one more open and the read.
        this.cancelled = new CancelledJobs(ControlStream.MAX_AGE, MAX_CANCELLED, System::currentTimeMillis, ownJobs,
                CATCH_UP_TIMEOUT.multipliedBy(3));
        RemoteError error = RemoteError.of(ErrorCode.CANCELLED, "the job was cancelled while the item ran");
        this.listener = new ControlListener(parts.codec(), cancelled, job -> parts.runs().cancelJob(job, error),
                parts.channels(), id);
    }

    /**
     * Starts reading the stream, on a thread of its own; returns at once.
     *
     * @param ownJobs jobs of this process started after the worker, which need not wait for the backlog
     */
    static WorkerControl start(QueueWiring.Parts parts, Predicate<String> ownJobs) {
        WorkerControl control = new WorkerControl(parts, ownJobs);
        control.threads.newThread(() -> {
            try {
                control.first.complete(control.open());
            } catch (RuntimeException e) {
                control.first.completeExceptionally(e);
            }
        }).start();
        return control;
    }

    /**
     * Has the backlog read on a thread of its own ({@link #awaitCaughtUp()}), so that the worker consumes meanwhile;
     * a task asks the returned jobs, which wait for the backlog (see {@link CancelledJobs}).
     *
     * @return the cancelled jobs, kept up to date as cancels arrive
     */
    CancelledJobs catchUpInBackground() {
        threads.newThread(() -> {
            try {
                awaitCaughtUp();
            } finally {
                cancelled.backlogRead();
            }
        }).start();
        return cancelled;
    }

    /**
     * Waits until the backlog is read, at most {@link #CATCH_UP_TIMEOUT}. When the first try could not reach the
     * broker (it may not have been up yet) it tries once more: the worker's own connection is up by now.
     */
    private void awaitCaughtUp() {
        long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
        try {
            ControlStream.Subscription reader;
            try {
                reader = first.get(CATCH_UP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException firstTry) {
                if (!(firstTry.getCause() instanceof BrokerUnavailableException)) {
                    throw firstTry;
                }
                log.debug("[{}] the broker was not reachable for the control stream ({}); trying again", id,
                        RootCause.message(firstTry.getCause()));
                reader = open();
                retried = reader;
            }
            reader.caughtUp().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            log.debug("[{}] read the control stream: {} cancelled jobs", id, cancelled.size());
        } catch (TimeoutException e) {
            log.warn("[{}] the control stream's backlog was not read within {} s; running tasks meanwhile",
                    id, CATCH_UP_TIMEOUT.toSeconds());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // a stop while starting: the start gives up after the wiring
        } catch (ExecutionException | RuntimeException e) {
            log.warn("[{}] cannot follow the control stream {} ({}); this worker does not honour cancels",
                    id, ControlStream.NAME, RootCause.message(e instanceof ExecutionException ? e.getCause() : e));
        }
    }

    private ControlStream.Subscription open() {
        byte[] marker = parts.codec().encode(
                ControlRecord.sync(id + ":" + UUID.randomUUID(), System.currentTimeMillis()), "control marker");
        return ControlStream.follow(parts.settings().connection(), "mqpool-worker-control " + id, threads,
                ControlStream.From.FIRST, marker, listener);
    }

    /** Closes the reader and its connection, now or, while the first try is still opening, when it has opened. */
    @Override
    public void close() {
        cancelled.backlogRead(); // a stop: no task waits for a backlog that will not be read
        first.thenAccept(ControlStream.Subscription::close);
        ControlStream.Subscription again = retried;
        if (again != null) {
            again.close();
        }
    }
}
