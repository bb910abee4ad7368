package io.mqpool.worker;

import io.mqpool.RootCause;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.WorkerEvent;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Announces a worker on the events exchange (docs/PROTOCOL.md §17): {@code online} once it consumes, a
 * {@code heartbeat} every interval, and {@code offline} when it stops cleanly. Telemetry never hurts the tasks: a
 * publish that fails is dropped, and logged once per outage. Owns the heartbeat's schedule. Thread-safe.
 */
final class WorkerEvents implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerEvents.class);
    /** How many intervals an event may wait in a listener's queue before the broker drops it. */
    static final int TTL_INTERVALS = 3;

    /** Where events go: the events exchange, without confirms. */
    interface Sink extends AutoCloseable {
        /** @throws RuntimeException when the event could not be handed over */
        void publish(String routingKey, long ttlMillis, byte[] body);

        boolean isOpen();

        @Override
        void close();
    }

    /** Runs a task every period until closed, e.g. on a named thread of its own. */
    interface Ticker extends AutoCloseable {
        void every(Duration period, Runnable task);

        @Override
        void close();
    }

    /** What an event says of the worker itself, fixed at its start. */
    record Identity(String worker, String host, long pid, List<String> queues, int concurrency, String version) {
    }

    private final Identity identity;
    private final Duration interval;
    private final TaskOutcomes outcomes;
    private final Codec codec;
    private final Sink sink;
    private final Ticker ticker;
    private final LongSupplier epochMillis;
    private final LongSupplier nanoTime;
    private final long startNanos;
    private final AtomicBoolean failing = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * @param epochMillis the wall clock of {@code at}, as {@link System#currentTimeMillis}
     * @param nanoTime the clock of the uptime, as {@link System#nanoTime}
     * @param startNanos when the worker started, by {@code nanoTime}
     */
    WorkerEvents(Identity identity, Duration interval, TaskOutcomes outcomes, Codec codec, Sink sink, Ticker ticker,
                 LongSupplier epochMillis, LongSupplier nanoTime, long startNanos) {
        this.identity = identity;
        this.interval = interval;
        this.outcomes = outcomes;
        this.codec = codec;
        this.sink = sink;
        this.ticker = ticker;
        this.epochMillis = epochMillis;
        this.nanoTime = nanoTime;
        this.startNanos = startNanos;
    }

    /** Announces the worker {@code online}, then a heartbeat every interval. */
    void online() {
        publish(WorkerEvent.ONLINE);
        ticker.every(interval, () -> publish(WorkerEvent.HEARTBEAT));
    }

    /** The event of {@code type} with the counts as they are now. */
    WorkerEvent event(String type) {
        TaskOutcomes.Snapshot s = outcomes.snapshot();
        return new WorkerEvent(WorkerEvent.VERSION, type, identity.worker(), identity.host(), identity.pid(),
                identity.queues(), identity.concurrency(), s.running(), s.processed(), s.failed(), s.retried(),
                Math.max(0, (nanoTime.getAsLong() - startNanos) / 1_000_000), interval.toMillis(), identity.version(),
                epochMillis.getAsLong());
    }

    private void publish(String type) {
        try {
            WorkerEvent e = event(type);
            sink.publish(e.routingKey(), TTL_INTERVALS * interval.toMillis(), codec.encode(e, "worker event"));
            if (failing.compareAndSet(true, false)) {
                log.info("[{}] worker events are published again", identity.worker());
            }
        } catch (RuntimeException e) {
            if (failing.compareAndSet(false, true)) {
                log.warn("[{}] cannot publish worker events ({}); tasks go on, events resume with the connection",
                        identity.worker(), RootCause.message(e));
            } else {
                log.debug("[{}] worker event {} dropped: {}", identity.worker(), type, RootCause.message(e));
            }
        }
    }

    /** Stops the heartbeats and, if the broker can still be told, announces the worker {@code offline}. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        ticker.close();
        if (sink.isOpen()) {
            publish(WorkerEvent.OFFLINE);
        }
        sink.close();
    }
}
