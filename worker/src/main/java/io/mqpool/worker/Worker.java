package io.mqpool.worker;

import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import io.mqpool.amqp.BrokerUnavailableException;
import io.mqpool.amqp.Connections;
import io.mqpool.amqp.NamedThreadFactory;
import io.mqpool.amqp.Topology;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.ErrorCode;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.MalformedMessageException;
import io.mqpool.protocol.Protocol;
import io.mqpool.protocol.RemoteError;
import io.mqpool.protocol.ResultMessage;
import io.mqpool.protocol.TaskMessage;
import io.mqpool.task.Task;
import io.mqpool.task.TaskRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.Semaphore;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker: consumes the task queue, runs tasks and replies with results.
 *
 * <p>A task message is acknowledged only after its result is confirmed by the broker, so a worker that
 * dies mid-task loses nothing: the broker redelivers the message. Every delivery ends in exactly one of:
 * result confirmed then ack; unanswerable then reject without requeue (dead-lettered); or requeued when
 * the result could not be published. The prefetch bounds the task messages held, the concurrency those run at
 * once; an item past its time limit is answered with {@code TIMEOUT} and abandoned (see {@link MessageRun}).
 *
 * <p>A task message that comes back from a worker that died holding it is suspect: it may be the one that
 * killed that worker. The worker moves it to the solo queue, which every worker consumes one message at a
 * time, so a task that kills its worker uses up only its own delivery limit there, never that of the
 * innocent messages that happened to be prefetched beside it.
 */
public final class Worker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final long MAX_RETRY_DELAY_MS = 30_000;
    private static final long WATCHDOG_PERIOD_MS = 50;
    private static final int DEAD_LETTER_PREFETCH = 16;

    private final WorkerSettings settings;
    private final TaskRegistry registry;
    private final Codec codec;
    private final TaskRunner runner;
    private final ThreadPoolExecutor executor;
    private final ScheduledExecutorService housekeeping;
    private final Settler settler;
    private final PrefetchPolicy prefetchPolicy;
    /** Shared by the subscriptions: a re-subscription or prefetch change never races the stop's cancel. */
    private final Object subscriptionLock = new Object();
    /** Task messages being run, with the delivery each answers and the release of its run slot. */
    private final Map<MessageRun, Running> running = new ConcurrentHashMap<>();
    /**
     * One permit per {@code --concurrency}: a prefetch above the concurrency keeps messages at hand, but never
     * runs more of them at once. A timed-out item's abandoned thread gives its message's permit to the thread
     * that carries on with the rest of the message, so abandoned threads never count.
     */
    private final Semaphore slots;
    private final AtomicLong resultCounter = new AtomicLong();
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Connection connection;
    private volatile Subscription tasks;
    private volatile Subscription solo;
    private volatile ConfirmedPublisher publisher;
    private volatile boolean ready;

    public Worker(WorkerSettings settings, TaskRegistry registry, PrintStream taskOutput) {
        this.settings = settings;
        this.registry = registry;
        this.codec = new Codec(settings.connection().maxMessageBytes());
        this.runner = new TaskRunner(registry, codec.mapper(), settings.workerId(), taskOutput);
        // Unbounded because abandoned (timed-out) tasks keep their threads; the prefetch bounds live work.
        this.executor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                new NamedThreadFactory("mqpool-task", true));
        this.housekeeping = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("mqpool-worker-watchdog", true));
        this.settler = new Settler(settings.workerId(), housekeeping);
        this.prefetchPolicy = new PrefetchPolicy(settings.concurrency(), settings.prefetch());
        this.slots = new Semaphore(settings.concurrency(), true);
    }

    /** A message being run: the delivery it answers, and the release of its run slot (idempotent). */
    private record Running(Delivery delivery, Runnable releaseSlot) {
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
        try {
            if (!Topology.ensureTaskQueue(connection, settings.queue(), settings.deliveryLimit())) {
                log.debug("[{}] using the existing task queue {} as declared", settings.workerId(), settings.queue());
            }
            Topology.ensureSoloQueue(connection, settings.queue(), settings.deliveryLimit());
            publisher = new ConfirmedPublisher(connection, settings.workerId(), housekeeping);
            ((Recoverable) connection).addRecoveryListener(new RecoveryListener() {
                @Override
                public void handleRecoveryStarted(Recoverable recoverable) {
                    publisher.failPending("connection lost");
                }

                @Override
                public void handleRecovery(Recoverable recoverable) {
                    log.info("[{}] reconnected to {}; consuming again", settings.workerId(), settings.connection().address());
                }
            });
            tasks = subscription(settings.queue(), prefetchPolicy::prefetch, false);
            solo = subscription(Topology.soloQueue(settings.queue()), () -> 1, true);
            tasks.start();
            solo.start();
            Channel dead = connection.createChannel();
            dead.basicQos(DEAD_LETTER_PREFETCH);
            dead.basicConsume(Topology.deadLetterQueue(settings.queue()), false, new DeadLetterRelay(dead, codec,
                    publisher, settler, Topology.parkingQueue(settings.queue()), settings.workerId()));
        } catch (IOException | TimeoutException e) {
            BrokerUnavailableException refused = Connections.accessRefused(settings.connection().address(), e);
            if (refused != null) {
                throw refused;
            }
            throw new IllegalStateException("cannot set up queue '" + settings.queue() + "': " + rootMessage(e), e);
        }
        ready = true;
        housekeeping.scheduleAtFixedRate(this::expireOverdueItems, WATCHDOG_PERIOD_MS, WATCHDOG_PERIOD_MS,
                TimeUnit.MILLISECONDS);
        housekeeping.scheduleWithFixedDelay(tasks::adaptPrefetch, 1, 1, TimeUnit.SECONDS);
        log.info("[{}] ready: queue={} concurrency={} prefetch={} broker={} tasks={}", settings.workerId(),
                settings.queue(), settings.concurrency(), settings.prefetch() > 0 ? settings.prefetch() : "adaptive",
                settings.connection().address(),
                registry.names());
    }

    private Connection connectWithRetry() throws InterruptedException {
        long deadline = settings.startupTimeout() == null ? Long.MAX_VALUE
                : System.nanoTime() + settings.startupTimeout().toNanos();
        long delayMs = 1_000;
        while (true) {
            try {
                return Connections.open(settings.connection(), "mqpool-worker " + settings.workerId(),
                        new NamedThreadFactory("mqpool-amqp", true));
            } catch (BrokerUnavailableException e) {
                if (!e.retryable() || System.nanoTime() + delayMs * 1_000_000 > deadline) {
                    throw e;
                }
                log.warn("[{}] {}; retrying in {}s", settings.workerId(), e.getMessage(), delayMs / 1_000);
                Thread.sleep(delayMs);
                delayMs = Math.min(delayMs * 2, MAX_RETRY_DELAY_MS);
            }
        }
    }

    /**
     * A subscription whose deliveries go to {@link #handle}; the solo queue's (prefetch 1) are never moved again.
     */
    private Subscription subscription(String queue, IntSupplier prefetch, boolean fromSolo) {
        return new Subscription(connection, queue, prefetch, new Subscription.Listener() {
            @Override
            public void delivered(Delivery delivery) {
                // Also while stopping: a message delivered before the cancel took effect is ours to finish,
                // so that a stop causes no redelivery.
                settler.opened();
                try {
                    executor.execute(() -> handle(delivery, fromSolo));
                } catch (RuntimeException e) {
                    settler.requeue(delivery);
                }
            }

            @Override
            public void channelClosed(Channel channel, ShutdownSignalException cause) {
                abandonRunsOf(channel, cause);
            }
        }, () -> ready && !closed.get(), housekeeping, subscriptionLock, settings.workerId());
    }

    /**
     * A channel-level close (not a lost connection, which the client recovers) needs a new channel. The broker
     * has put every message unacknowledged on the closed channel back in the queue, so the runs of those messages
     * are abandoned: their results would only duplicate the redeliveries' work, and could never be acknowledged.
     */
    private void abandonRunsOf(Channel channel, ShutdownSignalException cause) {
        int abandoned = 0;
        for (Map.Entry<MessageRun, Running> e : running.entrySet()) {
            if (e.getValue().delivery().channel() == channel && e.getKey().abandon()) {
                running.remove(e.getKey());
                e.getValue().releaseSlot().run();
                settler.requeue(e.getValue().delivery());
                abandoned++;
            }
        }
        String why = reason(cause);
        if (why.contains("acknowledgement") && why.contains("timed out")) {
            log.warn("[{}] broker closed the consumer channel because a task message stayed unacknowledged longer "
                    + "than its consumer_timeout ({}); {} task messages in progress were abandoned and go back to the "
                    + "queue, where each counts a delivery; set --task-timeout below the broker's consumer_timeout, "
                    + "or raise consumer_timeout; consuming again in 1 s", settings.workerId(), why, abandoned);
        } else {
            log.warn("[{}] broker closed the consumer channel ({}); {} task messages in progress were abandoned and "
                    + "go back to the queue; consuming again in 1 s", settings.workerId(), why, abandoned);
        }
    }

    /** The broker's reply text, e.g. {@code PRECONDITION_FAILED - delivery acknowledgement on channel 1 timed out...}. */
    private static String reason(ShutdownSignalException cause) {
        String text = String.valueOf(cause.getMessage());
        int at = text.indexOf("reply-text=");
        if (at >= 0) {
            text = text.substring(at + "reply-text=".length()).replaceAll(", class-id=.*", "");
        }
        return text.replaceAll("\\s+", " ").strip();
    }

    private void expireOverdueItems() {
        long now = System.nanoTime();
        for (MessageRun run : running.keySet()) {
            try {
                if (run.expireIfOverdue(now)) {
                    log.warn("[{}] an item ran past its time limit; answered TIMEOUT and abandoned its thread",
                            settings.workerId());
                }
            } catch (RuntimeException e) {
                log.error("[{}] watchdog failure", settings.workerId(), e);
            }
        }
    }

    /** The single decision point for a task delivery; never throws. */
    private void handle(Delivery d, boolean solo) {
        try {
            if (!solo && d.redeliveries() > 0) {
                moveToSolo(d);
                return;
            }
            String replyTo = d.props().getReplyTo();
            TaskMessage message;
            try {
                message = codec.decodeTask(d.body());
            } catch (MalformedMessageException e) {
                answerOrDeadLetter(d, replyTo, RemoteError.of(ErrorCode.MALFORMED, e.getMessage()));
                return;
            }
            if (message.v() > Protocol.VERSION) {
                answerOrDeadLetter(d, replyTo, RemoteError.of(ErrorCode.UNSUPPORTED_VERSION,
                        "protocol version " + message.v() + " is not supported; this worker speaks "
                                + Protocol.MIN_VERSION + " to " + Protocol.VERSION));
                return;
            }
            if (replyTo == null || replyTo.isBlank()) {
                settler.deadLetter(d, "task message for job " + message.job() + " has no reply_to");
                return;
            }
            Task<?, ?> task = runner.find(message.task()).orElse(null);
            if (task == null) {
                replyWith(d, replyTo, message, runner.unknownTask(message));
                return;
            }
            run(d, replyTo, message, task);
        } catch (InterruptedException e) {
            // Only a forced stop interrupts a thread waiting for a slot; the message goes back to the queue.
            settler.requeue(d);
            Thread.currentThread().interrupt();
        } catch (RuntimeException | Error e) {
            log.error("[{}] unexpected failure handling a delivery; it will be redelivered", settings.workerId(), e);
            settler.requeue(d);
            if (e instanceof VirtualMachineError vme) {
                throw vme;
            }
        }
    }

    /** Runs a message's items once one of the {@code --concurrency} slots is free. */
    private void run(Delivery d, String replyTo, TaskMessage message, Task<?, ?> task) throws InterruptedException {
        slots.acquire();
        AtomicBoolean released = new AtomicBoolean();
        Runnable releaseSlot = () -> {
            if (released.compareAndSet(false, true)) {
                slots.release();
            }
        };
        try {
            if (!d.channel().isOpen()) {
                // Its channel closed while it waited: the broker has taken it back already.
                releaseSlot.run();
                settler.requeue(d);
                return;
            }
            MessageRun[] self = new MessageRun[1];
            long start = System.nanoTime();
            self[0] = new MessageRun(message, task, d.attempt(), timeLimit(message, task), runner, executor, results -> {
                releaseSlot.run();
                running.remove(self[0]);
                long nanos = System.nanoTime() - start;
                prefetchPolicy.record(nanos);
                reply(d, replyTo, message.job(), ResultSizer.encodeWithinLimit(codec,
                        ResultMessage.timed(message.v(), message.job(), results, nanos / 1_000)));
            });
            running.put(self[0], new Running(d, releaseSlot));
            self[0].run();
        } catch (RuntimeException | Error e) {
            releaseSlot.run();
            throw e;
        }
    }

    /** Moves a suspect message to the solo queue: acknowledged here once the broker confirms the copy there. */
    private void moveToSolo(Delivery d) {
        String solo = Topology.soloQueue(settings.queue());
        Map<String, Object> headers = d.props().getHeaders() == null ? new HashMap<>()
                : new HashMap<>(d.props().getHeaders());
        headers.remove(Protocol.HEADER_DELIVERY_COUNT);
        headers.put(Protocol.HEADER_EARLIER_DELIVERIES, d.attempt() - 1);
        log.info("[{}] task message {} came back after {} deliveries: a worker that held it died or gave it up; "
                + "it goes to {} to run alone", settings.workerId(), d.props().getMessageId(), d.attempt() - 1, solo);
        publisher.publish(solo, d.props().builder().headers(headers).build(), d.body(),
                ConfirmedPublisher.Outcome.of(() -> settler.ack(d), () -> {
                    log.warn("[{}] solo queue {} is missing (restart a worker to declare it); running the message here",
                            settings.workerId(), solo);
                    executor.execute(() -> handle(d, true));
                }, why -> settler.requeue(d)));
    }

    private Duration timeLimit(TaskMessage message, Task<?, ?> task) {
        if (message.timeoutMs() != null) {
            return Duration.ofMillis(message.timeoutMs());
        }
        return task.timeLimit() != null ? task.timeLimit() : settings.taskTimeout();
    }

    private void replyWith(Delivery d, String replyTo, TaskMessage message, List<ItemResult> results) {
        reply(d, replyTo, message.job(), ResultSizer.encodeWithinLimit(codec,
                ResultMessage.of(message.v(), message.job(), results)));
    }

    private void answerOrDeadLetter(Delivery d, String replyTo, RemoteError error) {
        String job = d.props().getCorrelationId();
        if (replyTo == null || replyTo.isBlank() || job == null || job.isBlank()) {
            settler.deadLetter(d, error.summary() + " (no reply_to/correlation_id to answer)");
            return;
        }
        log.warn("[{}] answering message {} with {}", settings.workerId(), d.props().getMessageId(), error.summary());
        reply(d, replyTo, job, List.of(codec.encode(ResultMessage.failed(job, error), "error reply")));
    }

    /** Publishes the result messages answering a delivery; acknowledges it once every one is confirmed. */
    private void reply(Delivery d, String replyTo, String job, List<byte[]> bodies) {
        AtomicInteger unconfirmed = new AtomicInteger(bodies.size());
        ConfirmedPublisher.Outcome outcome = ConfirmedPublisher.Outcome.of(() -> {
            if (unconfirmed.decrementAndGet() == 0) {
                settler.ack(d);
            }
        }, () -> settler.deadLetter(d, "reply queue '" + replyTo + "' does not exist"), why -> {
            log.warn("[{}] {}; the task will be redelivered", settings.workerId(), why);
            settler.requeue(d);
        });
        for (byte[] body : bodies) {
            String messageId = settings.workerId() + ":" + resultCounter.incrementAndGet();
            publisher.publishResult(replyTo, job, d.props().getMessageId(), messageId, body, outcome);
        }
    }

    /**
     * Stops gracefully: stops taking tasks, lets in-flight ones finish and acknowledges them, then disconnects.
     * Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (connection == null) {
            // Never connected (refused at start): nothing to stop, and the cause is reported by the caller.
            executor.shutdownNow();
            housekeeping.shutdownNow();
            return;
        }
        log.info("[{}] stopping: finishing {} task messages in flight", settings.workerId(), settler.open());
        boolean interrupted = false;
        try {
            // A prefetch change or a re-subscription in progress completes first, so the consumers cancelled
            // here are the last ones: none can start after them and take messages that this stop would then drop.
            for (Subscription s : new Subscription[] {tasks, solo}) {
                if (s != null) {
                    s.cancel();
                }
            }
            if (!settler.awaitDrained(settings.shutdownTimeout().toNanos())) {
                log.warn("[{}] shutdown timeout {} expired with {} task messages unfinished; the broker redelivers them",
                        settings.workerId(), settings.shutdownTimeout(), settler.open());
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        executor.shutdownNow();
        housekeeping.shutdownNow();
        Connection c = connection;
        if (c != null) {
            try {
                c.close(5_000);
            } catch (IOException | RuntimeException e) {
                log.debug("close failed: {}", e.toString());
            }
        }
        log.info("[{}] stopped", settings.workerId());
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        return m == null ? root.getClass().getSimpleName() : m;
    }
}
