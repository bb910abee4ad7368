package io.mqpool.producer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.rabbitmq.client.AMQP;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.DefaultConsumer;
import com.rabbitmq.client.Envelope;
import com.rabbitmq.client.Recoverable;
import com.rabbitmq.client.RecoveryListener;
import io.mqpool.amqp.BrokerUnavailableException;
import io.mqpool.amqp.Connections;
import io.mqpool.amqp.NamedThreadFactory;
import io.mqpool.amqp.Topology;
import io.mqpool.config.ConnectionSettings;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.ErrorCode;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.JsonValues;
import io.mqpool.protocol.MalformedMessageException;
import io.mqpool.protocol.Protocol;
import io.mqpool.protocol.RemoteError;
import io.mqpool.protocol.ResultMessage;
import io.mqpool.protocol.TaskItem;
import io.mqpool.protocol.TaskMessage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool of remote workers, like Python's {@code multiprocessing.Pool}: {@code map}, {@code imap},
 * {@code imapUnordered}, {@code starmap} and {@code submit} run tasks on whatever {@code mqpool-worker}
 * processes serve the task queue.
 *
 * <p>Results come back on a durable result queue owned by this pool and are returned in input order
 * (except for {@code imapUnordered}), each index exactly once. Thread-safe: many calls may run at once.
 * Close the pool to release its connection and delete its result queue.
 */
public final class Pool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Pool.class);
    private static final int RESULT_PREFETCH = 1_000;
    /** Items in flight per job at the most, whatever the chunk size: bounds the producer's memory. */
    private static final long MAX_WINDOW_ITEMS = 262_144;

    private final PoolSettings settings;
    private final Codec codec;
    private final String poolId;
    private final String resultQueue;
    private final Connection connection;
    private final TaskPublisher publisher;
    private final ScheduledExecutorService timer;
    private final boolean resumable;
    private volatile Channel consumerChannel;
    private final Map<String, ResultSink> sinks = new ConcurrentHashMap<>();
    private final AtomicLong jobCounter = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();

    private Pool(PoolSettings settings) {
        this.settings = settings;
        this.codec = new Codec(settings.connection().maxMessageBytes());
        this.poolId = settings.poolId() != null ? settings.poolId() : UUID.randomUUID().toString().substring(0, 13);
        this.resultQueue = Topology.resultQueue(poolId);
        this.resumable = settings.poolId() != null;
        this.timer = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("mqpool-pool-" + poolId + "-timer", true));
        this.connection = Connections.open(settings.connection(), "mqpool-producer " + poolId,
                new NamedThreadFactory("mqpool-pool-" + poolId, true));
        try {
            Topology.ensureTaskQueue(connection, settings.queue(), settings.deliveryLimit());
            Channel setup = connection.createChannel();
            Topology.declareResultQueue(setup, resultQueue, settings.resultTtl());
            setup.close();
            publisher = new TaskPublisher(connection.createChannel(), codec, settings.queue(), resultQueue, resumable,
                    settings.connection().address());
            if (!resumable) {
                startConsuming();
            }
            ((Recoverable) connection).addRecoveryListener(new RecoveryListener() {
                @Override
                public void handleRecovery(Recoverable recoverable) {
                    log.info("[pool {}] reconnected; republishing unconfirmed task messages", poolId);
                    publisher.republishUnconfirmed();
                }

                @Override
                public void handleRecoveryStarted(Recoverable recoverable) {
                    log.info("[pool {}] connection lost; reconnecting", poolId);
                }
            });
        } catch (IOException | java.util.concurrent.TimeoutException e) {
            closeQuietly();
            BrokerUnavailableException refused = Connections.accessRefused(settings.connection().address(), e);
            if (refused != null) {
                throw refused;
            }
            throw new IllegalStateException("cannot set up queues on " + settings.connection().address() + ": "
                    + rootMessage(e), e);
        }
        log.debug("[pool {}] open on {}, results on {}", poolId, settings.connection().address(), resultQueue);
    }

    /**
     * Connects a pool.
     *
     * @throws BrokerUnavailableException when the broker is unreachable or refuses the credentials
     */
    public static Pool create(PoolSettings settings) {
        return new Pool(settings);
    }

    /**
     * Consumes the result queue. A resumable pool acknowledges nothing until it closes, so that the results
     * survive a crash of this process for a restarted producer with the same id; its prefetch is unlimited
     * because unacknowledged results must not stall delivery (the in-flight window bounds them).
     */
    private void startConsuming() throws IOException {
        Channel channel = connection.createChannel();
        channel.basicQos(resumable ? 0 : RESULT_PREFETCH);
        channel.addShutdownListener(cause -> {
            if (!closed.get() && !cause.isHardError() && !cause.isInitiatedByApplication()) {
                log.warn("[pool {}] broker closed the result channel ({}); reopening it", poolId, cause.getMessage());
                timer.schedule(this::resumeConsuming, 1, TimeUnit.SECONDS);
            }
        });
        consumerChannel = channel;
        channel.basicConsume(resultQueue, false, "mqpool-results." + poolId + "." + System.nanoTime(),
                new ResultConsumer(channel));
    }

    /**
     * A resumable pool starts consuming only once its first job is registered: results left by an earlier
     * run must reach that job, and be counted before any of them is delivered.
     */
    private void ensureConsuming() {
        synchronized (sinks) {
            if (consumerChannel != null) {
                return;
            }
            try {
                startConsuming();
            } catch (IOException e) {
                throw new IllegalStateException("cannot consume results from " + resultQueue + ": " + rootMessage(e), e);
            }
        }
    }

    private void resumeConsuming() {
        if (closed.get()) {
            return;
        }
        try {
            startConsuming();
        } catch (IOException | RuntimeException e) {
            log.warn("[pool {}] cannot consume results yet: {}", poolId, rootMessage(e));
            timer.schedule(this::resumeConsuming, 1, TimeUnit.SECONDS);
        }
    }

    /** Connects a pool with default settings to the broker at {@code url}. */
    public static Pool connect(String url) {
        return create(PoolSettings.of(ConnectionSettings.of(url)));
    }

    /** The reorder buffer's high-water mark over the ordered jobs open now, or -1 if none is open; for tests. */
    long maxReorderBuffered() {
        long max = -1;
        for (ResultSink sink : sinks.values()) {
            if (sink instanceof Job job) {
                max = Math.max(max, job.maxBuffered());
            }
        }
        return max;
    }

    /** The id naming this pool's result queue. */
    public String id() {
        return poolId;
    }

    /** Applies {@code task} to every item and returns the results in input order. */
    public <R> List<R> map(String task, Iterable<?> items, Class<R> resultType) {
        return map(task, items, resultType, JobOptions.DEFAULTS);
    }

    /** As {@link #map(String, Iterable, Class)}; throws {@link TaskFailedException} for the first failed item. */
    public <R> List<R> map(String task, Iterable<?> items, Class<R> resultType, JobOptions options) {
        try (Stream<R> results = imap(task, items, resultType, options)) {
            return results.toList();
        }
    }

    /** Lazily applies {@code task}, yielding results in input order as they become available. Close the stream. */
    public <R> Stream<R> imap(String task, Iterable<?> items, Class<R> resultType) {
        return imap(task, items, resultType, JobOptions.DEFAULTS);
    }

    public <R> Stream<R> imap(String task, Iterable<?> items, Class<R> resultType, JobOptions options) {
        return outcomes(task, singleArgs(items), sizeOf(items), resultType, options, true).map(Outcome::get);
    }

    /** As {@link #imap}, but yields results in completion order. */
    public <R> Stream<R> imapUnordered(String task, Iterable<?> items, Class<R> resultType) {
        return imapUnordered(task, items, resultType, JobOptions.DEFAULTS);
    }

    public <R> Stream<R> imapUnordered(String task, Iterable<?> items, Class<R> resultType, JobOptions options) {
        return outcomes(task, singleArgs(items), sizeOf(items), resultType, options, false).map(Outcome::get);
    }

    /** Like {@link #map}, but each element is the list of positional arguments of one call. */
    public <R> List<R> starmap(String task, Iterable<? extends List<?>> argLists, Class<R> resultType) {
        return starmap(task, argLists, resultType, JobOptions.DEFAULTS);
    }

    public <R> List<R> starmap(String task, Iterable<? extends List<?>> argLists, Class<R> resultType,
                               JobOptions options) {
        ObjectMapper mapper = codec.mapper();
        Iterator<? extends List<?>> it = argLists.iterator();
        Iterator<JsonNode> args = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public JsonNode next() {
                return mapper.valueToTree(it.next());
            }
        };
        try (Stream<R> results = outcomes(task, args, sizeOf(argLists), resultType, options, true).map(Outcome::get)) {
            return results.toList();
        }
    }

    /**
     * The general form behind the other calls: each element of {@code argLists} is a JSON array of positional
     * arguments; every item yields an {@link Outcome}, failed or not. Close the stream when done early.
     *
     * @param knownSize the number of items if known, else -1 (used to choose the chunk size)
     */
    public <R> Stream<Outcome<R>> outcomes(String task, Iterator<JsonNode> argLists, long knownSize,
                                           Class<R> resultType, JobOptions options, boolean ordered) {
        ensureOpen();
        String jobId = poolId + "-" + jobCounter.incrementAndGet();
        Job job = new Job(jobId, task, argLists, knownSize, options.chunkSize(), settings.maxInFlightMessages(),
                MAX_WINDOW_ITEMS, options, ordered, publisher, () -> sinks.remove(jobId));
        if (resumable) {
            job.expectPriorResults(readyResults());
        }
        sinks.put(jobId, job);
        ensureConsuming();
        Iterator<Outcome<R>> converted = new Iterator<>() {
            @Override
            public boolean hasNext() {
                return job.hasNext();
            }

            @Override
            public Outcome<R> next() {
                return toOutcome(job.next(), resultType);
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(converted,
                Spliterator.ORDERED | Spliterator.NONNULL), false).onClose(job::close);
    }

    /** Runs one call asynchronously, like {@code apply_async}; the future fails with {@link TaskFailedException}. */
    public <R> CompletableFuture<R> submit(String task, Class<R> resultType, Object... args) {
        return submit(task, resultType, JobOptions.DEFAULTS, args);
    }

    public <R> CompletableFuture<R> submit(String task, Class<R> resultType, JobOptions options, Object... args) {
        ensureOpen();
        String jobId = poolId + "-" + jobCounter.incrementAndGet();
        CompletableFuture<R> future = new CompletableFuture<>();
        SubmitCall<R> call = new SubmitCall<>(future, r -> toOutcome(r, resultType).get(), publisher, timer);
        sinks.put(jobId, call);
        ensureConsuming();
        future.whenComplete((r, e) -> sinks.remove(jobId));
        if (options.timeout() != null) {
            future.orTimeout(options.timeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        ArrayNode argArray = codec.mapper().valueToTree(List.of(args));
        Long taskTimeout = options.taskTimeout() == null ? null : options.taskTimeout().toMillis();
        try {
            publisher.publish(call, new TaskMessage(Protocol.VERSION, jobId, task, List.of(new TaskItem(0, argArray)),
                    taskTimeout));
        } catch (RuntimeException e) {
            future.completeExceptionally(e);
        }
        return future;
    }

    /** Result messages waiting in this pool's queue, left by an earlier run with the same pool id. */
    private long readyResults() {
        try {
            Channel c = connection.createChannel();
            try {
                return c.queueDeclarePassive(resultQueue).getMessageCount();
            } finally {
                c.close();
            }
        } catch (IOException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot inspect result queue " + resultQueue + ": " + rootMessage(e), e);
        }
    }

    @SuppressWarnings("unchecked")
    private <R> Outcome<R> toOutcome(ItemResult r, Class<R> type) {
        if (!r.isOk()) {
            return new Outcome<>(r.i(), null, r.error());
        }
        if (type.isInstance(r.value())) {
            return new Outcome<>(r.i(), (R) r.value(), null);
        }
        Object fast = fastConvert(r.value(), type);
        if (fast != null) {
            return new Outcome<>(r.i(), type.cast(fast), null);
        }
        try {
            return new Outcome<>(r.i(), codec.mapper().treeToValue(r.value(), type), null);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return new Outcome<>(r.i(), null, RemoteError.of(ErrorCode.BAD_ARGUMENTS, new IllegalArgumentException(
                    "result of item " + r.i() + " is not a " + type.getSimpleName() + ": " + r.value(), e)));
        }
    }

    private Iterator<JsonNode> singleArgs(Iterable<?> items) {
        ObjectMapper mapper = codec.mapper();
        Iterator<?> it = items.iterator();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public JsonNode next() {
                ArrayNode args = mapper.createArrayNode();
                args.add(JsonValues.toTree(mapper, it.next()));
                return args;
            }
        };
    }

    /** The common conversions, exactly as the hardened mapper does them, or null to ask the mapper. */
    private static Object fastConvert(JsonNode value, Class<?> type) {
        if (type == Long.class && value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        if (type == Integer.class && value.isIntegralNumber() && value.canConvertToInt()) {
            return value.intValue();
        }
        if (type == String.class && value.isTextual()) {
            return value.textValue();
        }
        return null;
    }

    private static long sizeOf(Iterable<?> items) {
        return items instanceof Collection<?> c ? c.size() : -1;
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("pool " + poolId + " is closed");
        }
    }

    private final class ResultConsumer extends DefaultConsumer {
        ResultConsumer(Channel channel) {
            super(channel);
        }

        @Override
        public void handleDelivery(String tag, Envelope envelope, AMQP.BasicProperties props, byte[] body) {
            try {
                if (props.getHeaders() != null && props.getHeaders().containsKey(TaskPublisher.HEADER_MARKER)) {
                    ResultSink sink = sinks.get(String.valueOf(props.getCorrelationId()));
                    if (sink != null) {
                        sink.published(readMarker(body));
                    }
                    return;
                }
                ResultMessage message = codec.decodeResult(body);
                ResultSink sink = sinks.get(message.job());
                if (sink != null) {
                    sink.deliver(message);
                } else {
                    log.debug("[pool {}] dropping a late result for finished job {}", poolId, message.job());
                }
            } catch (MalformedMessageException e) {
                // Fail the job rather than let it wait for results it will never read.
                ResultSink sink = props.getCorrelationId() == null ? null : sinks.get(props.getCorrelationId());
                log.warn("[pool {}] unreadable result message for job {}: {}", poolId, props.getCorrelationId(),
                        e.getMessage());
                if (sink != null) {
                    sink.fail(new IllegalStateException("a result of job " + props.getCorrelationId()
                            + " could not be read: " + e.getMessage(), e));
                }
            } catch (RuntimeException e) {
                log.error("[pool {}] failed to handle a result message", poolId, e);
            }
            if (resumable) {
                return;
            }
            try {
                getChannel().basicAck(envelope.getDeliveryTag(), false);
            } catch (IOException | RuntimeException e) {
                log.debug("result ack failed: {}", e.toString());
            }
        }
    }

    private long[] readMarker(byte[] body) {
        try {
            return codec.mapper().readValue(body, long[].class);
        } catch (IOException e) {
            log.warn("[pool {}] ignoring an unreadable publication marker: {}", poolId, e.getMessage());
            return new long[0];
        }
    }

    /** Fails calls still running, deletes the result queue and disconnects. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<ResultSink> open = new ArrayList<>(sinks.values());
        for (ResultSink sink : open) {
            sink.fail(new IllegalStateException("pool " + poolId + " was closed"));
        }
        try {
            Channel c = connection.createChannel();
            c.queueDelete(resultQueue);
            c.close();
        } catch (IOException | java.util.concurrent.TimeoutException | RuntimeException e) {
            log.debug("[pool {}] could not delete {}: {}; it expires after {}", poolId, resultQueue, e,
                    settings.resultTtl());
        }
        closeQuietly();
    }

    private void closeQuietly() {
        timer.shutdownNow();
        try {
            connection.close(5_000);
        } catch (IOException | RuntimeException e) {
            log.debug("close failed: {}", e.toString());
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
