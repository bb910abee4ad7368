package io.mqpool.worker;

import io.mqpool.amqp.BrokerConnection;
import io.mqpool.amqp.ConfirmingPublisher;
import io.mqpool.amqp.QueueSubscription;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ordered, bounded stop of a connected worker: stop intake, let the runs in flight finish and settle within
 * the shutdown timeout, then stop the threads, the publisher and the connection.
 */
final class GracefulStop {
    private static final Logger log = LoggerFactory.getLogger(GracefulStop.class);

    private GracefulStop() {
    }

    /** @param publisher the worker's publisher, or null if it never got one */
    static void run(WorkerSettings settings, WorkerExit why, List<QueueSubscription> subscriptions,
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
}
