package io.mqpool.worker;

import io.micrometer.core.instrument.MeterRegistry;
import io.mqpool.RootCause;
import io.mqpool.amqp.BrokerConnection;
import io.mqpool.amqp.NamedThreadFactory;
import io.mqpool.amqp.Topology;
import io.mqpool.amqp.TransientPublisher;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.Protocol;
import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a worker tells about itself: the {@link TaskOutcomes} and their meters, its {@link Liveness}, and its
 * {@link WorkerEvents} once it consumes. One owner for all of them: {@link #close()} announces the worker offline
 * (if it still can), stops the heartbeat thread {@code mqpool-worker-events-1} and removes the meters.
 */
final class WorkerTelemetry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerTelemetry.class);
    static final Duration DEFAULT_EVENT_INTERVAL = Duration.ofSeconds(2);
    static final Duration MIN_EVENT_INTERVAL = Duration.ofMillis(100);
    static final Duration MAX_EVENT_INTERVAL = Duration.ofMinutes(10);

    /**
     * How a worker reports.
     *
     * @param meters where its meters go, or null for none
     * @param eventInterval the heartbeat interval of its events, or zero for no events at all
     */
    record Options(MeterRegistry meters, Duration eventInterval) {
        static final Options DEFAULT = new Options(null, DEFAULT_EVENT_INTERVAL);

        Options {
            if (eventInterval == null || eventInterval.isNegative() || !eventInterval.isZero()
                    && (eventInterval.compareTo(MIN_EVENT_INTERVAL) < 0 || eventInterval.compareTo(MAX_EVENT_INTERVAL) > 0)) {
                throw new IllegalArgumentException("event interval must be 0 (no events) or 100ms..10m, got "
                        + eventInterval);
            }
        }
    }

    private final WorkerSettings settings;
    private final Options options;
    private final TaskOutcomes outcomes;
    private final LongSupplier nanoTime;
    private final long startNanos;
    private volatile Liveness liveness;
    private volatile WorkerEvents events;
    private boolean closed;

    /**
     * @param knownTask whether the worker serves a task name, which may then be a tag
     * @param nanoTime the clock of uptimes and progress, as {@link System#nanoTime}
     */
    WorkerTelemetry(WorkerSettings settings, Options options, Predicate<String> knownTask, LongSupplier nanoTime) {
        this.settings = settings;
        this.options = options;
        this.nanoTime = nanoTime;
        this.startNanos = nanoTime.getAsLong();
        this.outcomes = new TaskOutcomes(options.meters(), knownTask, nanoTime);
    }

    TaskOutcomes outcomes() {
        return outcomes;
    }

    /** Adds the gauges of the worker's parts, and the liveness check that reads them. */
    void watch(PrefetchPolicy prefetch, DrainingSettler settler, HandlerLoops handlers, RunRegistry runs) {
        outcomes.gauge("mqpool.consumer.prefetch", "The prefetch the task queues' consumers have now, in all",
                prefetch, PrefetchPolicy::prefetch);
        outcomes.gauge("mqpool.messages.in_flight", "Task messages taken and not yet settled", settler,
                DrainingSettler::open);
        liveness = new Liveness(handlers::waiting, runs::freeSlots, outcomes::lastProgressNanos, nanoTime);
    }

    /** The liveness check; the watchdog ticks it. */
    Liveness liveness() {
        return liveness;
    }

    /**
     * The worker consumes: declares the events exchange, announces it online and starts the heartbeats, unless
     * events are off. A broker that refuses the exchange leaves the worker without events, with a warning.
     */
    synchronized void online(BrokerConnection connection, Codec codec) {
        if (closed || options.eventInterval().isZero()) {
            return;
        }
        TransientPublisher publisher;
        try {
            publisher = TransientPublisher.open(connection, Topology.EVENTS_EXCHANGE, settings.workerId());
        } catch (RuntimeException e) {
            log.warn("[{}] worker events are off: {}", settings.workerId(), RootCause.message(e));
            return;
        }
        events = new WorkerEvents(new WorkerEvents.Identity(settings.workerId(), HostIdentity.hostName(),
                HostIdentity.pid(), settings.queues(), settings.concurrency(), HostIdentity.version()),
                options.eventInterval(), outcomes, codec, sink(publisher), new ThreadTicker(), System::currentTimeMillis,
                nanoTime, startNanos);
        events.online();
    }

    private static WorkerEvents.Sink sink(TransientPublisher publisher) {
        return new WorkerEvents.Sink() {
            @Override
            public void publish(String routingKey, long ttlMillis, byte[] body) {
                publisher.publish(routingKey, Protocol.CONTENT_TYPE, ttlMillis, body);
            }

            @Override
            public boolean isOpen() {
                return publisher.isOpen();
            }

            @Override
            public void close() {
                publisher.close();
            }
        };
    }

    /** Announces the worker offline if the connection still stands, stops the events and removes the meters. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (events != null) {
            events.close();
        }
        outcomes.close();
    }

    /** The heartbeat's thread, {@code mqpool-worker-events-1}. */
    private static final class ThreadTicker implements WorkerEvents.Ticker {
        private final ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1,
                new NamedThreadFactory("mqpool-worker-events", true));

        @Override
        public void every(Duration period, Runnable task) {
            executor.scheduleAtFixedRate(task, period.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public void close() {
            executor.shutdownNow();
        }
    }
}
