package io.mqpool.producer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.mqpool.MqpoolException;
import io.mqpool.amqp.BrokerUnavailableException;
import io.mqpool.amqp.NamedThreadFactory;
import io.mqpool.amqp.Topology;
import io.mqpool.config.ConnectionSettings;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.JsonValues;
import io.mqpool.task.TaskRef;
import java.util.Iterator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pool of remote workers, like Python's {@code multiprocessing.Pool}: {@code map}, {@code imap},
 * {@code imapUnordered}, {@code starmap} and {@code submit} run tasks on whatever {@code mqpool-worker}
 * processes serve the task queue.
 *
 * <p>Results come back on a durable result queue owned by this pool and are returned in input order
 * (except for {@code imapUnordered}), each index exactly once. A task is named by a string (results read as a
 * {@code Class}) or by a {@link TaskRef}, which carries generic input and output types. Thread-safe: many calls may
 * run at once. Close the pool to release its connection and delete its result queue.
 */
public final class Pool implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Pool.class);
    /** Items in flight per job at the most, whatever the chunk size: bounds the producer's memory. */
    private static final long MAX_WINDOW_ITEMS = 262_144;
    private static final long IDLE_CALLBACK_THREAD_SECONDS = 60;

    private final Codec codec;
    /** Arguments and results: the caller's mapper hardened, or the protocol's own. */
    private final ObjectMapper values;
    private final ResultConverter converter;
    private final String poolId;
    private final ScheduledThreadPoolExecutor timer;
    private final ExecutorService callbacks;
    private final ResultRouter router;
    private final PoolConnection broker;
    private final SharedQueueLink shared;
    private final ResumableLink resumable;
    private final JobStarter starter;
    private final PoolControl control;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final PoolMeters meters;

    private Pool(PoolSettings settings, ObjectMapper mapper, MeterRegistry registry) {
        this.codec = new Codec(settings.connection().maxMessageBytes());
        this.values = mapper == null ? codec.mapper() : Codec.harden(mapper, settings.connection().maxMessageBytes());
        this.converter = new ResultConverter(values);
        this.poolId = settings.poolId() != null ? settings.poolId() : UUID.randomUUID().toString().substring(0, 13);
        Window.Limits limits = new Window.Limits(settings.maxInFlightMessages(), MAX_WINDOW_ITEMS);
        this.timer = new ScheduledThreadPoolExecutor(1, new NamedThreadFactory("mqpool-pool-" + poolId + "-timer", true));
        timer.setRemoveOnCancelPolicy(true);
        // A thread per completion that is still running: a caller's slow stage delays only its own call.
        this.callbacks = new ThreadPoolExecutor(0, Integer.MAX_VALUE, IDLE_CALLBACK_THREAD_SECONDS, TimeUnit.SECONDS,
                new SynchronousQueue<>(), new NamedThreadFactory("mqpool-pool-" + poolId + "-callbacks", true));
        this.router = new ResultRouter(codec, poolId);
        this.meters = new PoolMeters(registry, poolId);
        PoolConnection connection = null;
        try {
            connection = PoolConnection.open(settings, poolId);
            TaskPublication publisher = connection.publisher(codec, settings.queues(), callbacks);
            this.shared = new SharedQueueLink(connection, publisher, router, timer, Topology.resultQueue(poolId),
                    settings.resultTtl());
            this.resumable = new ResumableLink(connection, publisher, router, timer, settings.resultTtl());
            this.control = new PoolControl(connection.connection(), settings.connection(), codec, callbacks, poolId,
                    settings.queue(), router::cancelled);
            this.starter = new JobStarter(poolId, limits, shared, resumable, callbacks, timer, meters, control);
        } catch (RuntimeException e) {
            if (connection != null) {
                connection.close();
            }
            meters.close();
            shutDownExecutors();
            throw e;
        }
        this.broker = connection;
        log.debug("[pool {}] open on {}", poolId, settings.connection().address());
    }

    /**
     * Connects a pool.
     *
     * @throws BrokerUnavailableException when the broker is unreachable or refuses the credentials
     */
    public static Pool create(PoolSettings settings) {
        return new Pool(settings, null, null);
    }

    /**
     * Connects a pool that writes arguments and reads results with {@code mapper} (e.g. with {@code JavaTimeModule}):
     * a copy with the protocol's safety settings forced on top ({@link Codec#harden}). Messages themselves are never
     * written by it. Workers should bind values the same way (their builder's {@code objectMapper}).
     *
     * @throws BrokerUnavailableException when the broker is unreachable or refuses the credentials
     */
    public static Pool create(PoolSettings settings, ObjectMapper mapper) {
        if (mapper == null) {
            throw new IllegalArgumentException("the ObjectMapper must not be null");
        }
        return new Pool(settings, mapper, null);
    }

    /**
     * Connects a pool that reports to {@code meters} (docs/OPERATIONS.md lists its meters, tagged by pool id), with
     * {@code mapper} as {@link #create(PoolSettings, ObjectMapper)}, or the protocol's own if null. Closing the pool
     * removes its meters.
     */
    public static Pool create(PoolSettings settings, ObjectMapper mapper, MeterRegistry meters) {
        if (meters == null) {
            throw new IllegalArgumentException("the MeterRegistry must not be null");
        }
        return new Pool(settings, mapper, meters);
    }

    /** Connects a pool with default settings to the broker at {@code url}. */
    public static Pool connect(String url) {
        return create(PoolSettings.of(ConnectionSettings.of(url)));
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
        return outcomes(task, Arguments.single(values, items), Arguments.sizeOf(items), resultType, options,
                true).map(Outcome::get);
    }

    /** As {@link #imap}, but yields results in completion order. */
    public <R> Stream<R> imapUnordered(String task, Iterable<?> items, Class<R> resultType) {
        return imapUnordered(task, items, resultType, JobOptions.DEFAULTS);
    }

    public <R> Stream<R> imapUnordered(String task, Iterable<?> items, Class<R> resultType, JobOptions options) {
        return outcomes(task, Arguments.single(values, items), Arguments.sizeOf(items), resultType, options,
                false).map(Outcome::get);
    }

    /** Like {@link #map}, but each element is the list of positional arguments of one call. */
    public <R> List<R> starmap(String task, Iterable<? extends List<?>> argLists, Class<R> resultType) {
        return starmap(task, argLists, resultType, JobOptions.DEFAULTS);
    }

    public <R> List<R> starmap(String task, Iterable<? extends List<?>> argLists, Class<R> resultType,
                               JobOptions options) {
        try (Stream<R> results = outcomes(task, Arguments.star(values, argLists), Arguments.sizeOf(argLists),
                resultType, options, true).map(Outcome::get)) {
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
        return start(task, argLists, knownSize, resultType, options, ordered).stream();
    }

    /**
     * As {@link #outcomes}, but returns the running job itself: its outcomes, its {@link JobStats} and its end.
     *
     * @throws IllegalStateException when a job with the same resume key is running in this pool
     */
    public <R> JobHandle<R> start(String task, Iterator<JsonNode> argLists, long knownSize, Class<R> resultType,
                                  JobOptions options, boolean ordered) {
        return start(task, argLists, knownSize, converter.to(resultType), options, ordered);
    }

    private <R> JobHandle<R> start(String task, Iterator<JsonNode> argLists, long knownSize,
                                   Function<ItemResult, Outcome<R>> convert, JobOptions options, boolean ordered) {
        ensureOpen();
        return starter.start(task, argLists, knownSize, convert, options, ordered);
    }

    /** Applies {@code task} to every item and returns the results in input order, as its output type. */
    public <I, O> List<O> map(TaskRef<I, O> task, Iterable<? extends I> items) {
        return map(task, items, JobOptions.DEFAULTS);
    }

    /**
     * As {@link #map(TaskRef, Iterable)}; throws {@link TaskFailedException} for the first failed item, also for
     * a result that does not read as the output type ({@code BAD_ARGUMENTS}, naming the type).
     */
    public <I, O> List<O> map(TaskRef<I, O> task, Iterable<? extends I> items, JobOptions options) {
        try (Stream<O> results = imap(task, items, options)) {
            return results.toList();
        }
    }

    /** Lazily applies {@code task}, yielding results in input order as they become available. Close the stream. */
    public <I, O> Stream<O> imap(TaskRef<I, O> task, Iterable<? extends I> items) {
        return imap(task, items, JobOptions.DEFAULTS);
    }

    public <I, O> Stream<O> imap(TaskRef<I, O> task, Iterable<? extends I> items, JobOptions options) {
        return outcomes(task, items, options, true).map(Outcome::get);
    }

    /** As {@link #imap(TaskRef, Iterable)}, but yields results in completion order. */
    public <I, O> Stream<O> imapUnordered(TaskRef<I, O> task, Iterable<? extends I> items) {
        return imapUnordered(task, items, JobOptions.DEFAULTS);
    }

    public <I, O> Stream<O> imapUnordered(TaskRef<I, O> task, Iterable<? extends I> items, JobOptions options) {
        return outcomes(task, items, options, false).map(Outcome::get);
    }

    /** Every item's {@link Outcome}, failed or not, in input order if {@code ordered}. Close the stream when done early. */
    public <I, O> Stream<Outcome<O>> outcomes(TaskRef<I, O> task, Iterable<? extends I> items, JobOptions options,
                                             boolean ordered) {
        return start(task.name(), Arguments.single(values, items), Arguments.sizeOf(items),
                converter.<O>to(task.outputType()), options, ordered).stream();
    }

    /** Runs one call asynchronously, like {@code apply_async}; the future fails with {@link TaskFailedException}. */
    public <R> CompletableFuture<R> submit(String task, Class<R> resultType, Object... args) {
        return submit(task, resultType, JobOptions.DEFAULTS, args);
    }

    /**
     * As {@link #submit(String, Class, Object...)}. The future completes on a thread of this pool, so a
     * dependent stage that blocks delays no other call. Cancelling the future ({@code cancel(true)} or
     * {@code cancel(false)}, which are the same here) cancels the call for the workers too: its task message is
     * dropped, or its run interrupted (PROTOCOL.md §18).
     *
     * @throws IllegalArgumentException when {@code options} has a resume key: only map-like calls resume
     */
    public <R> CompletableFuture<R> submit(String task, Class<R> resultType, JobOptions options, Object... args) {
        return submitCall(task, converter.to(resultType), options, values.valueToTree(List.of(args)));
    }

    /** Runs {@code task} on one input asynchronously; the future fails with {@link TaskFailedException}. */
    public <I, O> CompletableFuture<O> submit(TaskRef<I, O> task, I input) {
        return submit(task, input, JobOptions.DEFAULTS);
    }

    /** As {@link #submit(TaskRef, Object)}. The future completes on a thread of this pool. */
    public <I, O> CompletableFuture<O> submit(TaskRef<I, O> task, I input, JobOptions options) {
        ArrayNode args = values.createArrayNode();
        args.add(JsonValues.toTree(values, input));
        return submitCall(task.name(), converter.<O>to(task.outputType()), options, args);
    }

    private <R> CompletableFuture<R> submitCall(String task, Function<ItemResult, Outcome<R>> convert,
                                                JobOptions options, ArrayNode argArray) {
        ensureOpen();
        return starter.submit(task, convert, options, argArray);
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("pool " + poolId + " is closed");
        }
    }

    /** Fails calls still running, deletes the result queues and disconnects. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        router.failAll(new MqpoolException("pool " + poolId + " was closed"));
        control.close();
        resumable.close();
        shared.close();
        shutDownExecutors();
        broker.close();
        meters.close();
    }

    private void shutDownExecutors() {
        timer.shutdownNow();
        callbacks.shutdown();
    }
}
