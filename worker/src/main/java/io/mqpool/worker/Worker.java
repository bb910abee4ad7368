package io.mqpool.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqpool.RootCause;
import io.mqpool.amqp.BrokerConnection;
import io.mqpool.amqp.BrokerOperationException;
import io.mqpool.amqp.BrokerUnavailableException;
import io.mqpool.amqp.ConfirmingPublisher;
import io.mqpool.amqp.Connections;
import io.mqpool.amqp.Delivery;
import io.mqpool.amqp.DeliveryChannel;
import io.mqpool.amqp.NamedThreadFactory;
import io.mqpool.amqp.QueueSubscription;
import io.mqpool.amqp.Topology;
import io.mqpool.protocol.Codec;
import io.mqpool.task.TaskRegistry;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker: consumes the task queue, runs tasks and replies with results, until closed.
 *
 * <p>A task message is acknowledged only after its result is confirmed by the broker, so a worker that dies
 * mid-task loses nothing: the broker redelivers the message. What becomes of each delivery is decided by
 * {@link DeliveryHandler}; the slots and time limits are {@link RunRegistry}'s. This class owns the lifecycle:
 * run the lifecycle hooks, connect with retry, declare the queues, subscribe, and stop gracefully.
 *
 * <p>Build one with {@link #builder()}; {@link #start()} blocks until it consumes, or {@link #startAsync()} starts
 * it on a thread of its own and {@link #awaitReady} waits for it (for a DI container). {@link #close()} drains.
 *
 * <p>Threads: {@code mqpool-task-N} run deliveries (unbounded, since timed-out items keep theirs; the prefetch
 * bounds live work), {@code mqpool-worker-watchdog-1} enforces time limits and delays requeues,
 * {@code mqpool-worker-channels-1} re-subscribes, changes the prefetch and reopens the result channel.
 */
public final class Worker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final Duration WATCHDOG_PERIOD = Duration.ofMillis(50);
    private static final Duration PREFETCH_PERIOD = Duration.ofSeconds(1);
    private static final Duration REOPEN_DELAY = Duration.ofSeconds(1);
    private static final int DEAD_LETTER_PREFETCH = 16;
    private static final int PUBLISH_NACK_ATTEMPTS = 3;

    private final WorkerSettings settings;
    private final TaskRegistry registry;
    private final Codec codec;
    private final TaskRunner runner;
    private final LongSupplier nanoTime;
    private final ThreadPoolExecutor executor;
    private final ScheduledExecutorService watchdog;
    private final ScheduledExecutorService channels;
    private final DrainingSettler settler;
    private final PrefetchPolicy prefetchPolicy;
    private final RunRegistry runs;
    private final TaskLifecycle lifecycle;
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

    /**
     * A worker of {@code registry}'s tasks, without lifecycle hooks, binding values with the protocol's own mapper.
     * {@link #builder()} offers every option (task instances, discovery, hooks, an {@link ObjectMapper}).
     */
    public Worker(WorkerSettings settings, TaskRegistry registry, PrintStream taskOutput) {
        this(settings, registry, taskOutput, null, new TaskLifecycle(registry, null, null, settings.workerId()),
                System::nanoTime);
    }

    /**
     * @param valueMapper the hardened mapper of task arguments and results ({@link Codec#harden}), or null for the
     *     protocol's own
     * @param nanoTime the clock of time limits, task timings and the startup timeout, as {@link System#nanoTime}
     */
    Worker(WorkerSettings settings, TaskRegistry registry, PrintStream taskOutput, ObjectMapper valueMapper,
           TaskLifecycle lifecycle, LongSupplier nanoTime) {
        this.settings = settings;
        this.registry = registry;
        this.nanoTime = nanoTime;
        this.lifecycle = lifecycle;
        this.readiness = new Readiness(settings.workerId(), closed::get);
        this.codec = new Codec(settings.connection().maxMessageBytes());
        this.runner = new TaskRunner(registry, valueMapper != null ? valueMapper : codec.mapper(), settings.workerId(),
                taskOutput);
        this.executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                new NamedThreadFactory("mqpool-task", true));
        this.watchdog = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("mqpool-worker-watchdog", true));
        this.channels = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("mqpool-worker-channels", true));
        this.settler = new DrainingSettler(settings.workerId(), watchdog);
        this.prefetchPolicy = new PrefetchPolicy(settings.concurrency(), settings.prefetch());
        this.runs = new RunRegistry(settings.concurrency(), runner, executor, nanoTime, settings.workerId());
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
        BrokerConnection opened = StartupConnector.connect(settings, nanoTime, closing);
        synchronized (startLock) {
            if (closed.get()) {
                if (opened != null) {
                    opened.close();
                }
                throw closedWhileStarting();
            }
            connection = opened;
            setUp();
        }
        readiness.ready();
        log.info("[{}] ready: queue={} concurrency={} prefetch={} broker={} tasks={}", settings.workerId(),
                settings.queue(), settings.concurrency(), settings.prefetch() > 0 ? settings.prefetch() : "adaptive",
                settings.connection().address(), registry.names());
    }

    private WorkerStartException closedWhileStarting() {
        return new WorkerStartException("worker " + settings.workerId() + " was closed while starting", null);
    }

    private void setUp() {
        String queue = settings.queue();
        try {
            if (!Topology.ensureTaskQueue(connection, queue, settings.deliveryLimit())) {
                log.debug("[{}] using the existing task queue {} as declared", settings.workerId(), queue);
            }
            Topology.ensureSoloQueue(connection, queue, settings.deliveryLimit());
            publisher = ConfirmingPublisher.builder(connection, "worker-" + settings.workerId())
                    .nackAttempts(PUBLISH_NACK_ATTEMPTS)
                    .onConnectionLoss(ConfirmingPublisher.OnConnectionLoss.FAIL) // the broker redelivers their tasks
                    .reopenAfterChannelClose(REOPEN_DELAY, channels)
                    .completionExecutor(Runnable::run) // outcomes only settle deliveries or hand off: no hop
                    .build();
            connection.onRecovery(new BrokerConnection.RecoveryHook() {
                @Override
                public void recovered() {
                    log.info("[{}] reconnected to {}; consuming again", settings.workerId(), connection.address());
                }
            });
            Replies replies = new Replies(publisher, settings.workerId());
            Retrier retrier = new Retrier(codec, replies, new DelayQueues(queue,
                    delayMs -> Topology.declareRetryQueue(connection, queue, delayMs)), new Random(), settings.workerId());
            DeliveryHandler handler = new DeliveryHandler(settings, codec, runner, runs, replies, settler,
                    prefetchPolicy, executor, retrier);
            QueueSubscription tasks = subscribe(queue, prefetchPolicy.prefetch(), handler, false);
            subscribe(Topology.soloQueue(queue), 1, handler, true);
            subscribe(Topology.deadLetterQueue(queue), DEAD_LETTER_PREFETCH, new DeadLetterRelay(codec, replies,
                    settler, Topology.parkingQueue(queue), settings.workerId()));
            channels.scheduleWithFixedDelay(() -> tasks.setPrefetch(prefetchPolicy.prefetch()),
                    PREFETCH_PERIOD.toMillis(), PREFETCH_PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        } catch (BrokerOperationException e) {
            BrokerUnavailableException refused = Connections.accessRefused(settings.connection().address(), e);
            if (refused != null) {
                throw refused;
            }
            throw new IllegalStateException("cannot set up queue '" + queue + "': " + RootCause.message(e), e);
        }
        runs.watch(watchdog, WATCHDOG_PERIOD);
    }

    private QueueSubscription subscribe(String queue, int prefetch, DeliveryHandler handler, boolean fromSolo) {
        return subscribe(queue, prefetch, new QueueSubscription.Listener() {
            @Override
            public void delivered(Delivery delivery) {
                handler.accept(delivery, fromSolo);
            }

            @Override
            public void channelClosed(DeliveryChannel channel, BrokerOperationException cause) {
                handler.channelClosed(channel, cause);
            }
        });
    }

    private QueueSubscription subscribe(String queue, int prefetch, QueueSubscription.Listener listener) {
        QueueSubscription s = new QueueSubscription(connection, QueueSubscription.Settings.of(queue, prefetch,
                "mqpool-worker." + settings.workerId()), listener, channels);
        subscriptions.add(s);
        s.start();
        return s;
    }

    /**
     * Stops gracefully: stops taking tasks, lets in-flight ones finish within the shutdown timeout and
     * acknowledges them, then disconnects, closes the opened tasks and runs the close hook. A start in progress
     * gives up. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        closing.countDown();
        BrokerConnection c;
        synchronized (startLock) {
            c = connection;
        }
        readiness.failed(closedWhileStarting());
        if (c == null) {
            // Never connected (failed or closed at start): nothing to stop, and a failure is reported by start.
            shutdownThreads();
            lifecycle.close();
            return;
        }
        log.info("[{}] stopping: finishing {} task messages in flight", settings.workerId(), settler.open());
        boolean interrupted = false;
        try {
            // Each cancel waits for a re-subscription or prefetch change in progress, and none starts after it:
            // no consumer can take messages that this stop would then drop.
            for (QueueSubscription s : subscriptions) {
                s.cancel();
            }
            if (!settler.awaitDrained(settings.shutdownTimeout().toNanos())) {
                log.warn("[{}] shutdown timeout {} expired with {} task messages unfinished; the broker redelivers them",
                        settings.workerId(), settings.shutdownTimeout(), settler.open());
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        shutdownThreads();
        if (publisher != null) {
            publisher.close();
        }
        c.close();
        lifecycle.close();
        log.info("[{}] stopped", settings.workerId());
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void shutdownThreads() {
        executor.shutdownNow();
        watchdog.shutdownNow();
        channels.shutdownNow();
    }
}
