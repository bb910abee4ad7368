package io.mqpool.worker;

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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * connect with retry, declare the queues, subscribe, and stop gracefully.
 *
 * <p>A task thread still running its item {@link WorkerSettings#runawayGrace()} after its time limit interrupted it
 * ignores interrupts, and a JVM cannot stop a thread: the worker then stops itself as {@link #close()} does and
 * completes {@link #terminated()} with {@link WorkerExit.Reason#RUNAWAY_TASK}, so that its application can end the
 * JVM, taking the runaway with it (as {@code mqpool-worker} does, with exit code 70). It never exits the JVM itself.
 *
 * <p>Threads: {@code mqpool-task-N} run deliveries (unbounded, since timed-out items keep theirs; the prefetch
 * bounds live work), {@code mqpool-worker-watchdog-1} enforces time limits and delays requeues,
 * {@code mqpool-worker-channels-1} re-subscribes, changes the prefetch and reopens the result channel,
 * {@code mqpool-worker-stop-1} stops the worker after a runaway.
 */
public final class Worker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final long FIRST_RETRY_DELAY_MS = 1_000;
    private static final long MAX_RETRY_DELAY_MS = 30_000;
    private static final Duration WATCHDOG_PERIOD = Duration.ofMillis(50);
    private static final Duration RUNAWAY_CHECK_PERIOD = Duration.ofMillis(250);
    private static final Duration PREFETCH_PERIOD = Duration.ofSeconds(1);
    private static final Duration REOPEN_DELAY = Duration.ofSeconds(1);
    private static final int DEAD_LETTER_PREFETCH = 16;
    private static final int PUBLISH_NACK_ATTEMPTS = 3;
    /** How much longer than the shutdown timeout a close waits for a stop already in progress. */
    private static final Duration STOP_MARGIN = Duration.ofSeconds(10);

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
    private final RunawayGuard runawayGuard;
    private final CompletableFuture<WorkerExit> terminated = new CompletableFuture<>();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final List<QueueSubscription> subscriptions = new CopyOnWriteArrayList<>();
    private volatile BrokerConnection connection;
    private volatile ConfirmingPublisher publisher;

    public Worker(WorkerSettings settings, TaskRegistry registry, PrintStream taskOutput) {
        this(settings, registry, taskOutput, System::nanoTime);
    }

    /** @param nanoTime the clock of time limits, task timings and the startup timeout, as {@link System#nanoTime} */
    Worker(WorkerSettings settings, TaskRegistry registry, PrintStream taskOutput, LongSupplier nanoTime) {
        this.settings = settings;
        this.registry = registry;
        this.nanoTime = nanoTime;
        this.codec = new Codec(settings.connection().maxMessageBytes());
        this.runner = new TaskRunner(registry, codec.mapper(), settings.workerId(), taskOutput);
        this.executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                new NamedThreadFactory("mqpool-task", true));
        this.watchdog = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("mqpool-worker-watchdog", true));
        this.channels = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("mqpool-worker-channels", true));
        this.settler = new DrainingSettler(settings.workerId(), watchdog);
        this.prefetchPolicy = new PrefetchPolicy(settings.concurrency(), settings.prefetch());
        AbandonedThreads abandoned = new AbandonedThreads(settings.runawayGrace(), nanoTime);
        this.runs = new RunRegistry(settings.concurrency(), runner, executor, nanoTime, abandoned, settings.workerId());
        this.runawayGuard = new RunawayGuard(abandoned, settings.runawayGrace(), settings.workerId(),
                this::stopInBackground);
    }

    /**
     * Connects, declares the queues and starts consuming; retries an unreachable broker with backoff.
     *
     * @throws BrokerUnavailableException when the broker refuses us, or stays unreachable past the startup timeout
     */
    public void start() throws InterruptedException {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("worker already started");
        }
        connection = connectWithRetry();
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
                    .build();
            connection.onRecovery(new BrokerConnection.RecoveryHook() {
                @Override
                public void recovered() {
                    log.info("[{}] reconnected to {}; consuming again", settings.workerId(), connection.address());
                }
            });
            Replies replies = new Replies(publisher, settings.workerId());
            DeliveryHandler handler = new DeliveryHandler(settings, codec, runner, runs, replies, settler,
                    prefetchPolicy, executor);
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
        watchdog.scheduleAtFixedRate(runawayGuard, RUNAWAY_CHECK_PERIOD.toMillis(), RUNAWAY_CHECK_PERIOD.toMillis(),
                TimeUnit.MILLISECONDS);
        log.info("[{}] ready: queue={} concurrency={} prefetch={} broker={} tasks={}", settings.workerId(),
                queue, settings.concurrency(), settings.prefetch() > 0 ? settings.prefetch() : "adaptive",
                settings.connection().address(), registry.names());
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

    private BrokerConnection connectWithRetry() throws InterruptedException {
        boolean forever = settings.startupTimeout() == null;
        long deadline = forever ? 0 : nanoTime.getAsLong() + settings.startupTimeout().toNanos();
        long delayMs = FIRST_RETRY_DELAY_MS;
        while (true) {
            try {
                return BrokerConnection.open(settings.connection(), "mqpool-worker " + settings.workerId(),
                        new NamedThreadFactory("mqpool-amqp", true));
            } catch (BrokerUnavailableException e) {
                if (!e.retryable() || (!forever && nanoTime.getAsLong() + delayMs * 1_000_000 - deadline > 0)) {
                    throw e;
                }
                log.warn("[{}] {}; retrying in {}s", settings.workerId(), e.getMessage(), delayMs / 1_000);
                Thread.sleep(delayMs);
                delayMs = Math.min(delayMs * 2, MAX_RETRY_DELAY_MS);
            }
        }
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
     * acknowledges them, then disconnects. Idempotent; while the worker is stopping itself after a runaway, waits
     * for that stop to end.
     */
    @Override
    public void close() {
        stop(WorkerExit.closed());
    }

    private void stopInBackground(WorkerExit why) {
        if (!closed.get()) {
            new NamedThreadFactory("mqpool-worker-stop", true).newThread(() -> stop(why)).start();
        }
    }

    private void stop(WorkerExit why) {
        if (!closed.compareAndSet(false, true)) {
            awaitTerminated();
            return;
        }
        try {
            disconnect(why);
        } finally {
            terminated.complete(why);
        }
    }

    private void awaitTerminated() {
        try {
            terminated.get(settings.shutdownTimeout().toMillis() + STOP_MARGIN.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.warn("[{}] the worker's stop did not end in time", settings.workerId());
        }
    }

    private void disconnect(WorkerExit why) {
        if (connection == null) {
            // Never connected (refused at start): nothing to stop, and the cause is reported by the caller.
            shutdownThreads();
            return;
        }
        log.info("[{}] stopping{}: finishing {} task messages in flight", settings.workerId(),
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
                        settings.workerId(), settings.shutdownTimeout(), settler.open());
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        shutdownThreads();
        if (publisher != null) {
            publisher.close();
        }
        connection.close();
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
