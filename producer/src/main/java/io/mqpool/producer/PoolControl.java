package io.mqpool.producer;

import io.mqpool.MqpoolException;
import io.mqpool.RootCause;
import io.mqpool.amqp.BrokerConnection;
import io.mqpool.amqp.ControlStream;
import io.mqpool.amqp.NamedThreadFactory;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.ControlRecord;
import io.mqpool.protocol.MalformedMessageException;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool's side of job control (PROTOCOL.md §18): announces its jobs' start and end on the control stream, cancels
 * them, refuses to resume a cancelled one, and hands the cancels it reads there to the pool. When the stream cannot
 * be used (say the pool's user has no permission on it) the pool works without job control, with a warning.
 * Thread-safe; owned by the pool. It reads the stream on a connection of its own ({@link ControlStream#follow}),
 * opened in the background, and appends to it on the pool's.
 */
final class PoolControl implements JobEvents, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PoolControl.class);

    private final BrokerConnection connection;
    private final Codec codec;
    private final Executor background;
    private final String poolId;
    private final String queue;
    /** Opens in the background: the pool's first job need not wait for a connection it rarely uses. */
    private final CompletableFuture<ControlStream.Subscription> reader;

    /**
     * @param background where announcements are published, off the caller's thread, and the reader opens
     * @param cancelled told the id of every job cancelled from now on, on the connection's thread
     */
    PoolControl(BrokerConnection connection, io.mqpool.config.ConnectionSettings settings, Codec codec,
                Executor background, String poolId, String queue, Consumer<String> cancelled) {
        this.connection = connection;
        this.codec = codec;
        this.background = background;
        this.poolId = poolId;
        this.queue = queue;
        this.reader = CompletableFuture.supplyAsync(() -> open(settings, cancelled), background);
        reader.exceptionally(e -> {
            log.warn("[pool {}] cannot use the control stream {} ({}); jobs can be cancelled only from this pool",
                    poolId, ControlStream.NAME, RootCause.message(e instanceof CompletionException ? e.getCause() : e));
            return null;
        });
    }

    /**
     * Reads the stream from its end: a cancel of this pool's jobs can only come after they started. One made while
     * the reader still opens is not seen here, and the workers answer that job's items CANCELLED all the same.
     */
    private ControlStream.Subscription open(io.mqpool.config.ConnectionSettings settings, Consumer<String> cancelled) {
        return ControlStream.follow(settings, "mqpool-producer-control " + poolId,
                new NamedThreadFactory("mqpool-pool-" + poolId + "-control", true), ControlStream.From.NEXT, null,
                body -> {
                    try {
                        ControlRecord r = codec.decodeControl(body);
                        if (r.isSupported() && ControlRecord.CANCEL.equals(r.type())) {
                            cancelled.accept(r.job());
                        }
                    } catch (MalformedMessageException e) {
                        log.debug("[pool {}] skipping a control record: {}", poolId, e.getMessage());
                    }
                });
    }

    /** Recorded before the job publishes anything, so that it can be cancelled by id as soon as it is known. */
    @Override
    public void started(JobSpec spec) {
        announce(ControlRecord.started(spec.id(), queue, spec.task(), spec.knownSize() < 0 ? null : spec.knownSize(),
                System.currentTimeMillis()));
    }

    /** Recorded on the job's thread as it closes, so that it is out before the pool's connection closes. */
    @Override
    public void finished(JobSpec spec) {
        announce(ControlRecord.finished(spec.id(), queue, System.currentTimeMillis()));
    }

    /** Appends the cancel of job {@code jobId}, confirmed: from then on every worker drops its task messages. */
    @Override
    public void cancel(String jobId) {
        try {
            JobControl.publish(connection, codec, ControlRecord.cancel(jobId, queue, System.currentTimeMillis()));
        } catch (RuntimeException e) {
            throw new MqpoolException("cannot cancel job " + jobId + " on the control stream: "
                    + RootCause.message(e), e);
        }
    }

    /** As {@link #cancel}, in the background; a failure is logged. */
    void cancelLater(String jobId) {
        run(() -> cancel(jobId), "cancel");
    }

    /**
     * @throws IllegalStateException when the control stream says that job {@code jobId} was cancelled
     */
    void refuseIfCancelled(String jobId) {
        Long at;
        try {
            at = JobControl.ledger(connection, codec).find(jobId).map(e -> e.cancelledAt()).orElse(null);
        } catch (RuntimeException e) {
            log.warn("[pool {}] cannot tell whether job {} was cancelled ({}); resuming it", poolId, jobId,
                    RootCause.message(e));
            return;
        }
        if (at != null) {
            throw new IllegalStateException("job " + jobId + " was cancelled at " + Instant.ofEpochMilli(at)
                    + " and cannot be resumed; run it under another job id");
        }
    }

    /**
     * Appends {@code record}, unconfirmed: a stream's confirm waits for the disk, and a job's start and end are worth
     * no such wait on its path (a broker that crashes may lose them; a cancel is confirmed). A failure is only
     * logged: the job runs on without it.
     */
    private void announce(ControlRecord record) {
        if (reader.isCompletedExceptionally()) {
            return; // no job control: the warning is out
        }
        try {
            ControlStream.append(connection, codec.encode(record, "control record"));
        } catch (RuntimeException e) {
            log.warn("[pool {}] {} of job {} not recorded on the control stream: {}", poolId, record.type(),
                    record.job(), RootCause.message(e));
        }
    }

    private void run(Runnable publish, String what) {
        try {
            background.execute(() -> {
                try {
                    publish.run();
                } catch (RuntimeException e) {
                    log.warn("[pool {}] {} not recorded on the control stream: {}", poolId, what, RootCause.message(e));
                }
            });
        } catch (RejectedExecutionException e) {
            log.debug("[pool {}] closed: {} not recorded", poolId, what);
        }
    }

    /** Closes the reader and its connection, now or, while it still opens, once it has opened. */
    @Override
    public void close() {
        reader.thenAccept(ControlStream.Subscription::close);
    }
}
