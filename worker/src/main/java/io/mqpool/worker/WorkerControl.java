package io.mqpool.worker;

import io.mqpool.RootCause;
import io.mqpool.amqp.BrokerConnection;
import io.mqpool.amqp.ControlStream;
import io.mqpool.amqp.NamedThreadFactory;
import io.mqpool.protocol.ControlRecord;
import io.mqpool.protocol.ErrorCode;
import io.mqpool.protocol.RemoteError;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Has a worker follow the control stream (PROTOCOL.md §18) from its first record, before it takes any task, so that
 * a job cancelled before the worker started is honoured too. The reader's channel belongs to the worker's
 * connection and ends with it.
 */
final class WorkerControl {
    private static final Logger log = LoggerFactory.getLogger(WorkerControl.class);
    /** How long a starting worker reads the stream's backlog before it consumes tasks all the same. */
    static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(10);
    /** Cancelled jobs remembered at the most; the oldest are forgotten first. */
    static final int MAX_CANCELLED = 100_000;

    private WorkerControl() {
    }

    /**
     * Reads the stream until its marker comes back (or {@link #CATCH_UP_TIMEOUT} passes), then goes on following
     * it. When the stream cannot be read (say the worker's user has no permission on it) the worker runs without
     * job control: logged as a warning, and cancels are not honoured.
     *
     * @return the cancelled jobs, kept up to date as cancels arrive
     */
    static CancelledJobs follow(QueueWiring.Parts p, BrokerConnection connection) {
        String id = p.settings().workerId();
        CancelledJobs cancelled = new CancelledJobs(ControlStream.MAX_AGE, MAX_CANCELLED, System::currentTimeMillis);
        RemoteError error = RemoteError.of(ErrorCode.CANCELLED, "the job was cancelled while the item ran");
        ControlListener listener = new ControlListener(p.codec(), cancelled, job -> p.runs().cancelJob(job, error),
                p.channels(), id);
        byte[] marker = p.codec().encode(ControlRecord.sync(id + ":" + UUID.randomUUID(), System.currentTimeMillis()),
                "control marker");
        ControlStream.Subscription reader;
        try {
            ControlStream.ensure(connection, p.settings().connection(),
                    new NamedThreadFactory("mqpool-worker-control", true));
            reader = ControlStream.subscribe(connection, ControlStream.From.FIRST, marker, listener, CATCH_UP_TIMEOUT);
        } catch (RuntimeException e) {
            log.warn("[{}] cannot follow the control stream {} ({}); this worker does not honour cancels",
                    id, ControlStream.NAME, RootCause.message(e));
            return cancelled;
        }
        try {
            reader.caughtUp().get(CATCH_UP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            log.debug("[{}] read the control stream: {} cancelled jobs", id, cancelled.size());
        } catch (TimeoutException e) {
            log.warn("[{}] the control stream's backlog was not read within {} s; consuming tasks meanwhile",
                    id, CATCH_UP_TIMEOUT.toSeconds());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // a stop while starting: the start gives up after the wiring
        } catch (ExecutionException e) {
            log.warn("[{}] reading the control stream failed: {}", id, RootCause.message(e));
        }
        return cancelled;
    }
}
