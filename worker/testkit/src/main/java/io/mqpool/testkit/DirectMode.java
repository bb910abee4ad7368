package io.mqpool.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqpool.producer.JobOptions;
import io.mqpool.producer.Outcome;
import io.mqpool.producer.TaskFailedException;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.ItemResult;
import io.mqpool.task.Task;
import io.mqpool.task.TaskRef;
import io.mqpool.task.TaskRegistry;
import io.mqpool.worker.DirectRunner;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The test kit's direct mode: runs tasks in the test's JVM, with no broker, through mqpool's real codec. Arguments
 * are encoded as a {@code Pool} encodes them, bound as a worker binds them, and results and errors come back as a
 * {@code Pool} returns them: the same values, the same {@link TaskFailedException}s with the same codes and messages.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final DirectMode tasks = DirectMode.of(new WordCount());
 *
 * @Test
 * void countsWords() {
 *     assertEquals(2, tasks.call(WORD_COUNT, "a b"));
 * }
 * }</pre>
 *
 * <p>A task's retry policy applies, with its attempts run back to back ({@code TaskContext.attempt()} counts them;
 * the backoff is the broker's to wait). Time limits are not enforced here: use {@link BrokerMode} for them. The
 * tasks are opened before the first call and closed when the test class ends (register the extension on a static
 * field), or by {@link #close()}. Thread-safe.
 */
public final class DirectMode implements AfterAllCallback, AutoCloseable {
    private static final String WORKER_ID = "direct";

    private final DirectRunner runner;
    private final DirectCalls calls;
    // Guarded by this.
    private boolean opened;
    private boolean closed;

    private DirectMode(Collection<? extends Task<?, ?>> tasks, ObjectMapper mapper, PrintStream taskOutput) {
        Codec codec = Codec.defaults();
        ObjectMapper values = mapper == null ? codec.mapper() : Codec.harden(mapper, codec.maxMessageBytes());
        this.runner = new DirectRunner(TaskRegistry.of(tasks), values, WORKER_ID, taskOutput);
        this.calls = new DirectCalls(codec, values, runner);
    }

    /**
     * Runs these tasks, with the protocol's own mapper.
     *
     * @throws IllegalArgumentException when two tasks have the same name
     */
    public static DirectMode of(Task<?, ?>... tasks) {
        return new DirectMode(Arrays.asList(tasks), null, System.out);
    }

    /**
     * Runs these tasks with {@code mapper} for arguments and results (hardened as {@code Pool.create(settings,
     * mapper)} and {@code Worker.builder().objectMapper(mapper)} harden it).
     */
    public static DirectMode of(Collection<? extends Task<?, ?>> tasks, ObjectMapper mapper) {
        return new DirectMode(List.copyOf(tasks), Objects.requireNonNull(mapper, "mapper"), System.out);
    }

    /** The result of {@code task} for {@code input}, as {@code pool.submit(task, input).join()} without its wrapper. */
    public <I, O> O call(TaskRef<I, O> task, I input) {
        return outcome(task, input).get();
    }

    /** The outcome of {@code task} for {@code input}: its value, or the error a pool would report. */
    public <I, O> Outcome<O> outcome(TaskRef<I, O> task, I input) {
        return outcomes(task, Collections.singletonList(input), JobOptions.DEFAULTS).get(0);
    }

    /** As {@code pool.map(task, items)}: the results in input order, or the first failure in input order. */
    public <I, O> List<O> map(TaskRef<I, O> task, Iterable<? extends I> items) {
        return map(task, items, JobOptions.DEFAULTS);
    }

    /** As {@link #map(TaskRef, Iterable)}; of {@code options}, only {@code maxAttempts} applies. */
    public <I, O> List<O> map(TaskRef<I, O> task, Iterable<? extends I> items, JobOptions options) {
        return values(outcomes(task, items, options));
    }

    /** The outcome of every item, in input order; of {@code options}, only {@code maxAttempts} applies. */
    public <I, O> List<Outcome<O>> outcomes(TaskRef<I, O> task, Iterable<? extends I> items, JobOptions options) {
        List<JsonNode> argLists = new ArrayList<>();
        for (I item : items) {
            argLists.add(calls.single(item));
        }
        return run(task.name(), argLists, options, calls.converter().to(task.outputType()));
    }

    /** As {@code pool.submit(task, resultType, args).join()}: positional arguments, a result read as {@code resultType}. */
    public <R> R call(String task, Class<R> resultType, Object... args) {
        return outcome(task, resultType, args).get();
    }

    /** The outcome of a call with positional arguments: its value, or the error a pool would report. */
    public <R> Outcome<R> outcome(String task, Class<R> resultType, Object... args) {
        return run(task, List.of(calls.positional(Arrays.asList(args))), JobOptions.DEFAULTS,
                calls.converter().to(resultType)).get(0);
    }

    /**
     * Opens the tasks now, rather than before the first call.
     *
     * @throws io.mqpool.worker.WorkerStartException naming the task that failed to open
     */
    public synchronized DirectMode open() {
        if (closed) {
            throw new IllegalStateException("this DirectMode is closed");
        }
        if (!opened) {
            opened = true;
            runner.open();
        }
        return this;
    }

    private <R> List<Outcome<R>> run(String task, List<JsonNode> argLists, JobOptions options,
                                     Function<ItemResult, Outcome<R>> convert) {
        open();
        return calls.run(task, argLists, options.maxAttempts(), convert);
    }

    private static <O> List<O> values(List<Outcome<O>> outcomes) {
        List<O> values = new ArrayList<>(outcomes.size());
        for (Outcome<O> outcome : outcomes) {
            values.add(outcome.get());
        }
        return values;
    }

    /** Closes the opened tasks; later calls fail. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        runner.close();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }
}
