package io.mqpool.worker;

import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import com.rabbitmq.client.ShutdownSignalException;
import io.mqpool.amqp.BrokerUnavailableException;
import io.mqpool.amqp.Connections;
import io.mqpool.amqp.NamedThreadFactory;
import io.mqpool.amqp.Topology;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.ErrorCode;
import io.mqpool.protocol.MalformedMessageException;
import io.mqpool.protocol.Protocol;
import io.mqpool.protocol.RemoteError;
import io.mqpool.protocol.ResultMessage;
import io.mqpool.protocol.TaskMessage;
import io.mqpool.task.TaskRegistry;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker: consumes the task queue, runs tasks on {@code concurrency} threads and replies with results.
 *
 * <p>A task message is acknowledged only after its result is confirmed by the broker, so a worker that
 * dies mid-task loses nothing: the broker redelivers the message. Every delivery ends in exactly one of:
 * result confirmed then ack; unanswerable then reject without requeue (dead-lettered); or left
 * unacknowledged for redelivery when the result could not be published.
 */
public final class Worker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final long MAX_RETRY_DELAY_MS = 30_000;

    private final WorkerSettings settings;
    private final TaskRegistry registry;
    private final Codec codec;
    private final TaskRunner runner;
    private final ThreadPoolExecutor executor;
    private final ScheduledExecutorService housekeeping;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Connection connection;
    private volatile Channel consumerChannel;
    private volatile String consumerTag;
    private volatile ResultPublisher publisher;

    public Worker(WorkerSettings settings, TaskRegistry registry, PrintStream taskOutput) {
        this.settings = settings;
        this.registry = registry;
        this.codec = new Codec(settings.connection().maxMessageBytes());
        this.runner = new TaskRunner(registry, codec.mapper(), settings.workerId(), taskOutput);
        this.executor = new ThreadPoolExecutor(settings.concurrency(), settings.concurrency(), 0, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), new NamedThreadFactory("mqpool-task", true));
        this.housekeeping = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("mqpool-worker-recovery", true));
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
            Channel setup = connection.createChannel();
            Topology.declareTaskQueue(setup, settings.queue(), settings.deliveryLimit());
            setup.close();
            publisher = new ResultPublisher(connection.createChannel(), settings.workerId());
            ((Recoverable) connection).addRecoveryListener(new RecoveryListener() {
                @Override
                public void handleRecoveryStarted(Recoverable recoverable) {
                    publisher.forgetPending();
                }

                @Override
                public void handleRecovery(Recoverable recoverable) {
                    log.info("[{}] reconnected to {}; consuming again", settings.workerId(), settings.connection().address());
                }
            });
            startConsuming();
        } catch (IOException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot set up queue '" + settings.queue() + "': " + rootMessage(e), e);
        }
        log.info("[{}] ready: queue={} concurrency={} prefetch={} broker={} tasks={}", settings.workerId(),
                settings.queue(), settings.concurrency(), settings.prefetch(), settings.connection().address(),
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

    private void startConsuming() throws IOException {
        Channel channel = connection.createChannel();
        channel.basicQos(settings.prefetch());
        channel.addShutdownListener(this::onConsumerChannelShutdown);
        consumerChannel = channel;
        consumerTag = channel.basicConsume(settings.queue(), false, "mqpool-worker." + settings.workerId(),
                new TaskConsumer(channel));
    }

    /** A channel-level close (not a lost connection, which the client recovers) needs a new channel. */
    private void onConsumerChannelShutdown(ShutdownSignalException cause) {
        if (closed.get() || cause.isHardError() || cause.isInitiatedByApplication()) {
            return;
        }
        log.warn("[{}] broker closed the consumer channel ({}); reopening it", settings.workerId(), cause.getMessage());
        scheduleResubscribe();
    }

    private void scheduleResubscribe() {
        housekeeping.schedule(() -> {
            if (closed.get()) {
                return;
            }
            try {
                startConsuming();
                log.info("[{}] consuming {} again", settings.workerId(), settings.queue());
            } catch (IOException | RuntimeException e) {
                log.warn("[{}] cannot resume consuming yet: {}", settings.workerId(), rootMessage(e));
                scheduleResubscribe();
            }
        }, 1, TimeUnit.SECONDS);
    }

    private final class TaskConsumer extends DefaultConsumer {
        TaskConsumer(Channel channel) {
            super(channel);
        }

        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
            Delivery delivery = new Delivery(getChannel(), envelope.getDeliveryTag(), props, body);
            try {
                executor.execute(() -> handle(delivery));
            } catch (RuntimeException e) {
                // Only when stopping: leave it unacknowledged so the broker redelivers it elsewhere.
                log.debug("not accepting a delivery while stopping: {}", e.toString());
            }
        }

        @Override
        public void handleCancel(String tag) {
            if (!closed.get()) {
                log.warn("[{}] broker cancelled the consumer (queue {} deleted?); subscribing again",
                        settings.workerId(), settings.queue());
                scheduleResubscribe();
            }
        }
    }

    /** One received task message and the channel to settle it on. */
    private record Delivery(Channel channel, long tag, AMQP.BasicProperties props, byte[] body) {
        int attempt() {
            Object count = props.getHeaders() == null ? null : props.getHeaders().get(Protocol.HEADER_DELIVERY_COUNT);
            return count instanceof Number n ? n.intValue() + 1 : 1;
        }
    }

    /** The single decision point for a delivery; never throws. */
    private void handle(Delivery d) {
        try {
            String replyTo = d.props().getReplyTo();
            TaskMessage message;
            try {
                message = codec.decodeTask(d.body());
            } catch (MalformedMessageException e) {
                answerOrDeadLetter(d, replyTo, RemoteError.of(ErrorCode.MALFORMED, e.getMessage()));
                return;
            }
            if (message.v() != Protocol.VERSION) {
                answerOrDeadLetter(d, replyTo, RemoteError.of(ErrorCode.UNSUPPORTED_VERSION,
                        "protocol version " + message.v() + " is not supported; this worker speaks " + Protocol.VERSION));
                return;
            }
            if (replyTo == null || replyTo.isBlank()) {
                deadLetter(d, "task message for job " + message.job() + " has no reply_to");
                return;
            }
            ResultMessage result = ResultMessage.of(message.job(), runner.run(message, d.attempt()));
            byte[] body = ResultSizer.encodeWithinLimit(codec, result);
            reply(d, replyTo, message.job(), body);
        } catch (RuntimeException | Error e) {
            log.error("[{}] unexpected failure handling a delivery; it will be redelivered", settings.workerId(), e);
            requeue(d);
            if (e instanceof VirtualMachineError vme) {
                throw vme;
            }
        }
    }

    private void answerOrDeadLetter(Delivery d, String replyTo, RemoteError error) {
        String job = d.props().getCorrelationId();
        if (replyTo == null || replyTo.isBlank() || job == null || job.isBlank()) {
            deadLetter(d, error.summary() + " (no reply_to/correlation_id to answer)");
            return;
        }
        log.warn("[{}] answering message {} with {}", settings.workerId(), d.props().getMessageId(), error.summary());
        reply(d, replyTo, job, codec.encode(ResultMessage.failed(job, error), "error reply"));
    }

    private void reply(Delivery d, String replyTo, String job, byte[] body) {
        publisher.publish(replyTo, job, d.props().getMessageId(), body, new ResultPublisher.Outcome() {
            @Override
            public void confirmed() {
                ack(d);
            }

            @Override
            public void unroutable() {
                deadLetter(d, "reply queue '" + replyTo + "' does not exist");
            }

            @Override
            public void failed(String why) {
                log.warn("[{}] {}; the task will be redelivered", settings.workerId(), why);
                requeue(d);
            }
        });
    }

    private void ack(Delivery d) {
        settle(d, "ack", () -> d.channel().basicAck(d.tag(), false));
    }

    private void deadLetter(Delivery d, String why) {
        log.warn("[{}] dead-lettering message {}: {}", settings.workerId(), d.props().getMessageId(), why);
        settle(d, "reject", () -> d.channel().basicReject(d.tag(), false));
    }

    private void requeue(Delivery d) {
        settle(d, "nack", () -> d.channel().basicNack(d.tag(), false, true));
    }

    private interface Settlement {
        void run() throws IOException;
    }

    private void settle(Delivery d, String what, Settlement action) {
        if (!d.channel().isOpen()) {
            log.debug("channel gone before {}; the broker redelivers the message", what);
            return;
        }
        try {
            action.run();
        } catch (IOException | RuntimeException e) {
            log.warn("[{}] cannot {} a task message ({}); the broker will redeliver it", settings.workerId(), what,
                    rootMessage(e));
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
        log.info("[{}] stopping: finishing {} in-flight task messages", settings.workerId(),
                executor.getActiveCount() + executor.getQueue().size());
        Channel channel = consumerChannel;
        if (channel != null && channel.isOpen() && consumerTag != null) {
            try {
                channel.basicCancel(consumerTag);
            } catch (IOException | RuntimeException e) {
                log.debug("cancel failed: {}", e.toString());
            }
        }
        long deadline = System.nanoTime() + settings.shutdownTimeout().toNanos();
        executor.shutdown();
        boolean interrupted = false;
        try {
            if (!executor.awaitTermination(remaining(deadline), TimeUnit.NANOSECONDS)) {
                log.warn("[{}] shutdown timeout {} expired with tasks still running; they will be redelivered",
                        settings.workerId(), settings.shutdownTimeout());
                executor.shutdownNow();
            }
            while (publisher != null && publisher.pendingCount() > 0 && remaining(deadline) > 0) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            interrupted = true;
            executor.shutdownNow();
        }
        housekeeping.shutdownNow();
        Connection c = connection;
        if (c != null) {
            try {
                c.close(Math.toIntExact(Duration.ofSeconds(5).toMillis()));
            } catch (IOException | RuntimeException e) {
                log.debug("close failed: {}", e.toString());
            }
        }
        log.info("[{}] stopped", settings.workerId());
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static long remaining(long deadline) {
        return Math.max(0, deadline - System.nanoTime());
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
