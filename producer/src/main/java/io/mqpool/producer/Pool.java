package io.mqpool.producer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.mqpool.MqpoolException;
import io.mqpool.amqp.BrokerUnavailableException;
import io.mqpool.config.ConnectionSettings;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.JsonValues;
import io.mqpool.task.TaskRef;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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

    private final PoolParts parts;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Pool(PoolSettings settings, ObjectMapper mapper, MeterRegistry registry) {
        this.parts = PoolParts.open(settings, mapper, registry);
        log.debug("[pool {}] open on {}", parts.poolId(), settings.connection().address());
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
        return parts.poolId();
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
        return outcomes(task, Arguments.single(parts.values(), items), Arguments.sizeOf(items), resultType, options,
                true).map(Outcome::get);
    }

    /** As {@link #imap}, but yields results in completion order. */
    public <R> Stream<R> imapUnordered(String task, Iterable<?> items, Class<R> resultType) {
        return imapUnordered(task, items, resultType, JobOptions.DEFAULTS);
    }

    public <R> Stream<R> imapUnordered(String task, Iterable<?> items, Class<R> resultType, JobOptions options) {
        return outcomes(task, Arguments.single(parts.values(), items), Arguments.sizeOf(items), resultType, options,
                false).map(Outcome::get);
    }

    /** Like {@link #map}, but each element is the list of positional arguments of one call. */
    public <R> List<R> starmap(String task, Iterable<? extends List<?>> argLists, Class<R> resultType) {
        return starmap(task, argLists, resultType, JobOptions.DEFAULTS);
    }

    public <R> List<R> starmap(String task, Iterable<? extends List<?>> argLists, Class<R> resultType,
                               JobOptions options) {
        try (Stream<R> results = outcomes(task, Arguments.star(parts.values(), argLists), Arguments.sizeOf(argLists),
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
        return start(task, argLists, knownSize, parts.converter().to(resultType), options, ordered);
    }

    private <R> JobHandle<R> start(String task, Iterator<JsonNode> argLists, long knownSize,
                                   Function<ItemResult, Outcome<R>> convert, JobOptions options, boolean ordered) {
        ensureOpen();
        return parts.starter().start(task, argLists, knownSize, convert, options, ordered);
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
        return start(task.name(), Arguments.single(parts.values(), items), Arguments.sizeOf(items),
                parts.converter().<O>to(task.outputType()), options, ordered).stream();
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
        return submitCall(task, parts.converter().to(resultType), options, parts.values().valueToTree(List.of(args)));
    }

    /** Runs {@code task} on one input asynchronously; the future fails with {@link TaskFailedException}. */
    public <I, O> CompletableFuture<O> submit(TaskRef<I, O> task, I input) {
        return submit(task, input, JobOptions.DEFAULTS);
    }

    /** As {@link #submit(TaskRef, Object)}. The future completes on a thread of this pool. */
    public <I, O> CompletableFuture<O> submit(TaskRef<I, O> task, I input, JobOptions options) {
        ArrayNode args = parts.values().createArrayNode();
        args.add(JsonValues.toTree(parts.values(), input));
        return submitCall(task.name(), parts.converter().<O>to(task.outputType()), options, args);
    }

    private <R> CompletableFuture<R> submitCall(String task, Function<ItemResult, Outcome<R>> convert,
                                                JobOptions options, ArrayNode argArray) {
        ensureOpen();
        return parts.starter().submit(task, convert, options, argArray);
    }

    private void ensureOpen() {
        if (closed.get()) {
            throw new IllegalStateException("pool " + parts.poolId() + " is closed");
        }
    }

    /**
     * Fails calls still running, deletes the result queues and disconnects. Idempotent. While the connection is
     * recovering, the deletion waits for it up to 15 s; a queue it could not delete expires after the result TTL.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        parts.router().failAll(new MqpoolException("pool " + parts.poolId() + " was closed"));
        parts.close();
    }
}
