package io.mqpool.worker;

import io.mqpool.amqp.BrokerConnection;
import io.mqpool.amqp.ConfirmingPublisher;
import io.mqpool.amqp.QueueSubscription;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The two ways a connected worker stops: gracefully, or at once as if it had died. */
final class WorkerStop {
    private static final Logger log = LoggerFactory.getLogger(WorkerStop.class);

    private WorkerStop() {
    }

    /**
     * The ordered, bounded stop: stop intake, let the runs in flight finish and settle within the shutdown timeout,
     * then stop the threads, the publisher and the connection.
     *
     * @param publisher the worker's publisher, or null if it never got one
     */
    static void graceful(WorkerSettings settings, WorkerExit why, List<QueueSubscription> subscriptions,
                    DrainingSettler settler, Runnable stopThreads, ConfirmingPublisher publisher,
                    BrokerConnection connection) {
        String id = settings.workerId();
        log.info("[{}] stopping{}: finishing {} task messages in flight", id,
                why.reason() == WorkerExit.Reason.RUNAWAY_TASK ? " (runaway task thread)" : "", settler.open());
        boolean interrupted = false;
        try {
            // Each cancel waits for a re-subscription or prefetch change in progress, and none starts after it:
            // no consumer can take messages that this stop would then drop.
            for (QueueSubscription s : subscriptions) {
                s.cancel();
            }
            if (!settler.awaitDrained(settings.shutdownTimeout().toNanos())) {
                log.warn("[{}] shutdown timeout {} expired with {} task messages unfinished; the broker redelivers them",
                        id, settings.shutdownTimeout(), settler.open());
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        for (QueueSubscription s : subscriptions) {
            s.close();  // sends the acks still batched
        }
        stopThreads.run();
        if (publisher != null) {
            publisher.close();
        }
        connection.close();
        log.info("[{}] stopped", id);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * The stop of a crash: the connection goes first, so that no run can answer or acknowledge any more and the
     * broker takes back every message in flight; then the threads (runs interrupted) and the publisher.
     */
    static void abort(WorkerSettings settings, DrainingSettler settler, Runnable stopThreads,
                      ConfirmingPublisher publisher, BrokerConnection connection) {
        int open = settler.open();
        connection.abort();
        stopThreads.run();
        if (publisher != null) {
            publisher.close();
        }
        log.info("[{}] aborted: {} task messages go back to the queue", settings.workerId(), open);
    }

    /** Waits at most {@code limit} for a stop in progress on another thread to end. */
    static void awaitEnd(CompletableFuture<WorkerExit> terminated, Duration limit, String workerId) {
        try {
            terminated.get(limit.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("[{}] the worker's stop did not end in time", workerId);
        }
    }
}
