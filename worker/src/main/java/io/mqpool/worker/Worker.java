package io.mqpool.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqpool.amqp.BrokerConnection;
import io.mqpool.amqp.BrokerUnavailableException;
import io.mqpool.amqp.ConfirmingPublisher;
import io.mqpool.amqp.NamedThreadFactory;
import io.mqpool.amqp.QueueSubscription;
import io.mqpool.protocol.Codec;
import io.mqpool.task.TaskRegistry;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker: consumes the task queue, runs tasks and replies with results, until closed.
 *
 * <p>A task message is acknowledged only after its result is confirmed by the broker, so a worker that dies
 * mid-task loses nothing: the broker redelivers the message. What becomes of each delivery is decided by
 * {@link DeliveryHandler}; the slots and time limits are {@link RunRegistry}'s. This class owns the lifecycle:
 * run the lifecycle hooks, connect with retry, declare the queues, subscribe, and stop (see {@link WorkerStop}).
 *
 * <p>A task thread still running its item {@link WorkerSettings#runawayGrace()} after its time limit interrupted it
 * ignores interrupts, and a JVM cannot stop a thread: the worker then stops itself as {@link #close()} does and
 * completes {@link #terminated()} with {@link WorkerExit.Reason#RUNAWAY_TASK}, so that its application can end the
 * JVM, taking the runaway with it (as {@code mqpool-worker} does, with exit code 70). It never exits the JVM itself.
 *
 * <p>Its threads are listed by {@link WorkerThreads}.
 */
public final class Worker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final Duration WATCHDOG_PERIOD = Duration.ofMillis(50);
    private static final Duration RUNAWAY_CHECK_PERIOD = Duration.ofMillis(250);
    /** How much longer than the shutdown timeout a close waits for a stop in progress. */
    private static final Duration STOP_MARGIN = Duration.ofSeconds(10);

    private final WorkerSettings settings;
    private final TaskRegistry registry;
    private final LongSupplier nanoTime;
    private final WorkerParts parts;
    private final TaskLifecycle lifecycle;
    private final CompletableFuture<WorkerExit> terminated = new CompletableFuture<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Counted down by close: wakes a start that waits to retry the broker. */
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Readiness readiness;
    /** Orders the end of start (connection set, subscriptions made) with close. */
    private final Object startLock = new Object();
    private final List<QueueSubscription> subscriptions = new CopyOnWriteArrayList<>();
    private volatile BrokerConnection connection;
    private volatile ConfirmingPublisher publisher;
    private volatile WorkerControl control;
    private final Predicate<String> ownJobs;

    /**
     * A worker of {@code registry}'s tasks, without lifecycle hooks, binding values with the protocol's own mapper.
     * {@link #builder()} offers every option (task instances, discovery, hooks, an {@link ObjectMapper}).
     */
    public Worker(WorkerSettings settings, TaskRegistry registry, PrintStream taskOutput) {
        this(settings, registry, taskOutput, null, new TaskLifecycle(registry, null, null, settings.workerId()),
                WorkerTelemetry.Options.DEFAULT, job -> false, System::nanoTime);
    }

    /**
     * @param valueMapper the hardened mapper of task arguments and results ({@link Codec#harden}), or null for the
     *     protocol's own
     * @param ownJobs jobs of this process started after this worker (see {@link WorkerBuilder#ownJobs})
     * @param nanoTime the clock of time limits, task timings and the startup timeout, as {@link System#nanoTime}
     */
    Worker(WorkerSettings settings, TaskRegistry registry, PrintStream taskOutput, ObjectMapper valueMapper,
           TaskLifecycle lifecycle, WorkerTelemetry.Options telemetryOptions, Predicate<String> ownJobs,
           LongSupplier nanoTime) {
        this.settings = settings;
        this.ownJobs = ownJobs;
        this.registry = registry;
        this.nanoTime = nanoTime;
        this.lifecycle = lifecycle;
        this.readiness = new Readiness(settings.workerId(), closed::get);
        this.parts = WorkerParts.build(settings, registry, taskOutput, valueMapper, telemetryOptions, nanoTime);
        parts.runawayGuard().detected().thenAccept(this::stopInBackground);
    }

    /** A builder of a worker: broker, queue, limits, tasks, hooks and mapper, each validated. */
    public static WorkerBuilder builder() {
        return new WorkerBuilder();
    }

    /** This worker's id, as in its logs. */
    public String id() {
        return settings.workerId();
    }

    /** The names of the tasks this worker serves, sorted. */
    public Set<String> taskNames() {
        return registry.names();
    }

    /**
     * Runs the initializer and opens the tasks, then connects (retrying an unreachable broker with backoff),
     * declares the queues and starts consuming; returns once consuming.
     *
     * @throws WorkerStartException when the initializer or a task's {@code open()} fails (nothing is consumed), or
     *     the worker is closed meanwhile
     * @throws BrokerUnavailableException when the broker refuses us, or stays unreachable past the startup timeout
     * @throws IllegalStateException when already started, or the task queue cannot be set up
     */
    public void start() throws InterruptedException {
        claimStart();
        try {
            startClaimed();
        } catch (RuntimeException | InterruptedException e) {
            readiness.failed(e);
            throw e;
        }
    }

    /**
     * As {@link #start()}, on a thread of its own ({@code mqpool-worker-start-1}); returns at once. The future
     * completes when the worker consumes, or fails with what {@link #start()} would have thrown (also logged).
     *
     * @throws IllegalStateException when already started
     */
    public CompletableFuture<Void> startAsync() {
        claimStart();
        Thread thread = new NamedThreadFactory("mqpool-worker-start", true).newThread(() -> {
            try {
                startClaimed();
            } catch (RuntimeException e) {
                readiness.failed(e);
                if (!closed.get()) {
                    log.error("[{}] could not start: {}", settings.workerId(), e.getMessage());
                }
            } catch (InterruptedException e) {
                readiness.failed(e);
            }
        });
        thread.start();
        return readiness.future();
    }

    /**
     * Waits until this worker consumes, from any thread, also while {@link #start()} runs on another.
     *
     * @return true if it consumes (started and not closed), false if the timeout passed first or it was closed
     * @throws RuntimeException the exception that {@link #start()} failed with
     */
    public boolean awaitReady(Duration timeout) throws InterruptedException {
        return readiness.await(timeout);
    }

    private void claimStart() {
        if (closed.get()) {
            throw new IllegalStateException("worker " + settings.workerId() + " is closed");
        }
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("worker " + settings.workerId() + " already started");
        }
    }

    private void startClaimed() throws InterruptedException {
        lifecycle.open();
        QueueWiring.Parts wiring = parts.wiring(settings);
        control = WorkerControl.start(wiring, ownJobs); // reads the control stream while we connect
        try {
            BrokerConnection opened = StartupConnector.connect(settings, nanoTime, closing);
            synchronized (startLock) {
                if (closed.get()) {
                    if (opened != null) {
                        opened.close();
                    }
                    throw closedWhileStarting();
                }
                connection = opened;
                setUp(wiring);
            }
        } catch (RuntimeException | InterruptedException e) {
            control.close();
            throw e;
        }
        readiness.ready();
        log.info("[{}] ready: queue={} concurrency={} prefetch={} broker={} tasks={}", settings.workerId(),
                settings.queue(), settings.concurrency(), settings.prefetch() > 0 ? settings.prefetch() : "adaptive",
                settings.connection().address(), registry.names());
    }

    private WorkerStartException closedWhileStarting() {
        return new WorkerStartException("worker " + settings.workerId() + " was closed while starting", null);
    }

    private void setUp(QueueWiring.Parts wiring) {
        publisher = QueueWiring.wire(wiring, connection, subscriptions, control);
        parts.runs().watch(parts.threads().watchdog, WATCHDOG_PERIOD);
        Liveness liveness = parts.telemetry().liveness();
        parts.threads().watchdog.scheduleAtFixedRate(() -> {
            liveness.watchdogTicked();
            parts.runawayGuard().run();
        }, RUNAWAY_CHECK_PERIOD.toMillis(), RUNAWAY_CHECK_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        parts.telemetry().online(connection, parts.codec());
    }

    /**
     * Completes once this worker has stopped: with {@link WorkerExit.Reason#CLOSED} after {@link #close()}, or with
     * {@link WorkerExit.Reason#RUNAWAY_TASK} when it stopped itself because a task thread ignored its interrupt (see
     * the class comment). Then the worker is closed; the runaway thread goes on until the JVM ends. Completes on the
     * thread that stopped the worker.
     */
    public CompletionStage<WorkerExit> terminated() {
        return terminated.minimalCompletionStage();
    }

    /**
     * Stops gracefully: stops taking tasks, lets in-flight ones finish within the shutdown timeout and
     * acknowledges them, then disconnects, closes the opened tasks and runs the close hook. A start in progress
     * gives up. Idempotent; while the worker is stopping itself after a runaway, waits for that stop to end.
     */
    @Override
    public void close() {
        stop(WorkerExit.closed());
    }

    /**
     * Stops at once, as if its process had died: drops the connection undrained (the broker hands on what it held),
     * interrupts the runs, runs the close hooks. For tests of a crash (the test kit's killWorker). Idempotent.
     */
    public void abort() {
        stop(WorkerExit.aborted());
    }

    /** The task messages this worker has taken and not yet settled (acknowledged, rejected or handed back). */
    public int inFlight() {
        return parts.settler().open();
    }

    /** The task messages being run now, each in one of the {@code concurrency} slots. */
    public int running() {
        return parts.runs().size();
    }

    /** The readiness probe: the worker consumes, is connected and is not stopping; else why not. */
    public Probe readiness() {
        BrokerConnection c = connection;
        return readiness.probe(c != null && c.isOpen());
    }

    /** The liveness probe: its delivery path makes progress, or is idle (no broker check); else why not. */
    public Probe liveness() {
        return parts.telemetry().liveness().check();
    }

    private void stopInBackground(WorkerExit why) {
        if (!closed.get()) {
            new NamedThreadFactory("mqpool-worker-stop", true).newThread(() -> stop(why)).start();
        }
    }

    private void stop(WorkerExit why) {
        if (!closed.compareAndSet(false, true)) {
            WorkerStop.awaitEnd(terminated, settings.shutdownTimeout().plus(STOP_MARGIN), settings.workerId());
            return;
        }
        try {
            closing.countDown();
            BrokerConnection c;
            synchronized (startLock) {
                c = connection;
            }
            readiness.failed(closedWhileStarting());
            if (c == null) {
                // Never connected (failed or closed at start): nothing to stop, and a failure is reported by start.
                shutdownThreads();
            } else if (why.reason() == WorkerExit.Reason.ABORTED) {
                WorkerStop.abort(settings, parts.settler(), this::shutdownThreads, publisher, c);
            } else {
                WorkerStop.graceful(settings, why, subscriptions, parts.settler(), this::shutdownThreads, publisher, c);
            }
            WorkerControl following = control;
            if (following != null) {
                following.close();
            }
            lifecycle.close();
        } finally {
            terminated.complete(why);
        }
    }

    private void shutdownThreads() {
        parts.telemetry().close();  // before the connection closes: the offline event goes out
        parts.threads().shutdownNow();
    }
}
