package io.mqpool.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqpool.protocol.Codec;
import io.mqpool.protocol.ErrorCode;
import io.mqpool.protocol.IntegralItems;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.JsonValues;
import io.mqpool.protocol.RemoteError;
import io.mqpool.protocol.TaskItem;
import io.mqpool.protocol.TaskMessage;
import io.mqpool.task.ArgumentBinder;
import io.mqpool.task.BadArgumentsException;
import io.mqpool.task.Task;
import io.mqpool.task.TaskContext;
import io.mqpool.task.TaskRegistry;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Runs the items of a decoded task message and turns every outcome into an {@link ItemResult}. Thread-safe. */
final class TaskRunner {
    private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);

    private final TaskRegistry registry;
    private final ObjectMapper mapper;
    private final ArgumentBinder binder;
    private final String workerId;
    private final PrintStream out;
    private final TaskOutcomes outcomes;

    /** A runner that records nothing. */
    TaskRunner(TaskRegistry registry, ObjectMapper mapper, String workerId, PrintStream out) {
        this(registry, mapper, workerId, out, TaskOutcomes.none());
    }

    /** @param outcomes where each item's run (running, then its duration, as {@link #timed} tells) is recorded */
    TaskRunner(TaskRegistry registry, ObjectMapper mapper, String workerId, PrintStream out, TaskOutcomes outcomes) {
        this.outcomes = outcomes;
        this.registry = registry;
        this.mapper = mapper;
        this.binder = new ArgumentBinder(mapper);
        this.workerId = workerId;
        this.out = out;
    }

    Optional<Task<?, ?>> find(String name) {
        return registry.find(name);
    }

    /** One {@code UNKNOWN_TASK} error per item. */
    List<ItemResult> unknownTask(TaskMessage message) {
        RemoteError error = RemoteError.of(ErrorCode.UNKNOWN_TASK, "unknown task '" + message.task()
                + "'; this worker runs: " + String.join(", ", registry.names()));
        List<ItemResult> results = new ArrayList<>(message.items().size());
        for (TaskItem item : message.items()) {
            results.add(ItemResult.failed(item.i(), error));
        }
        return results;
    }

    /**
     * The logging context of {@code message}'s items on the calling thread, for {@link #runItem(Task, TaskMessage,
     * int, Attempt, ItemMdc, ItemOutcome)}; close it on the same thread.
     */
    ItemMdc enter(Task<?, ?> task, TaskMessage message, Attempt attempt) {
        return ItemMdc.enter(workerId, message.job(), task.name(), attempt.trace());
    }

    /** Runs one item, as a message's items are run, in a logging context of its own; counted as running. */
    ItemResult runItem(Task<?, ?> task, TaskMessage message, TaskItem item, Attempt attempt) {
        ItemOutcome outcome = new ItemOutcome();
        itemsStarted();
        try (ItemMdc mdc = enter(task, message, attempt)) {
            run(task, message, item.i(), null, item.args(), attempt, mdc, outcome);
        } finally {
            itemsReturned();
        }
        return outcome.toResult(item.i());
    }

    /**
     * The calling thread starts running items, one or a message's back to back with
     * {@link #runItem(Task, TaskMessage, int, Attempt, ItemMdc, ItemOutcome)}: the in-flight gauge counts it until
     * {@link #itemsReturned()}. Once per thread and message, not per item: two shared counter updates per item
     * made two task threads each five times slower on tiny items (JMH, 2 threads).
     */
    void itemsStarted() {
        outcomes.itemStarted();
    }

    /** The thread counted by {@link #itemsStarted()} has returned from its items. */
    void itemsReturned() {
        outcomes.itemReturned();
    }

    /**
     * Binds, runs and encodes item {@code k} of {@code message}, in the message's logging context {@code mdc}, and
     * leaves its outcome in {@code outcome}; every outcome, including a task's exception, becomes one. An exception that
     * {@code attempt}'s retry policy gives another attempt is marked there (its result is then not sent). A compact
     * chunk's integral argument is bound without making its nodes. The caller counts the thread as running
     * ({@link #itemsStarted()}).
     */
    void runItem(Task<?, ?> task, TaskMessage message, int k, Attempt attempt, ItemMdc mdc, ItemOutcome outcome) {
        if (message.items() instanceof IntegralItems ints) {
            Object input = binder.bindIntegral(task, ints.arg(k));
            if (input != null) {
                run(task, message, ints.index(k), input, null, attempt, mdc, outcome);
                return;
            }
        }
        TaskItem item = message.items().get(k);
        run(task, message, item.i(), null, item.args(), attempt, mdc, outcome);
    }

    /** Runs item {@code i} with its input {@code bound}, or when null with its arguments {@code args} bound here. */
    private void run(Task<?, ?> task, TaskMessage message, long i, Object bound, JsonNode args, Attempt attempt,
                     ItemMdc mdc, ItemOutcome outcome) {
        mdc.item(i);
        Object input = bound;
        if (input == null) {
            try {
                input = binder.bind(task, args);
            } catch (BadArgumentsException e) {
                outcome.result(ItemResult.failed(i, new RemoteError(ErrorCode.BAD_ARGUMENTS.name(),
                        BadArgumentsException.class.getName(), e.getMessage(), null)));
                return;
            }
        }
        runOne(task, i, input, attempt, new TaskContext(message.job(), i, attempt.number(), workerId, mdc.taskLog(), out),
                outcome);
    }

    /** Whether each item's duration is recorded, so that its run must read the clock for every item. */
    boolean timesEachItem() {
        return outcomes.timesItems();
    }

    /**
     * Items of {@code task} that {@link #runItem} ran took {@code nanos} and the last returned at {@code nowNanos}:
     * one item when {@link #timesEachItem()}, else those since the caller's last clock reading. The caller reads its
     * clock once per reading and uses it as the next item's start too: on a virtual machine the readings took a
     * quarter of a tiny task's run.
     */
    void timed(Task<?, ?> task, long nanos, long nowNanos) {
        outcomes.itemTimed(task.name(), nanos, nowNanos);
    }

    @SuppressWarnings("unchecked")
    private void runOne(Task<?, ?> task, long i, Object input, Attempt attempt, TaskContext context, ItemOutcome outcome) {
        if (log.isDebugEnabled()) {
            log.debug("exec job={} index={} attempt={} task={}", context.jobId(), i, context.attempt(), task.name());
        }
        Object output;
        try {
            output = ((Task<Object, Object>) task).apply(input, context);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome.result(ItemResult.failed(i, RemoteError.of(ErrorCode.TASK_ERROR, e)));
            return;
        } catch (Exception | StackOverflowError | LinkageError e) {
            outcome.result(failed(i, attempt, e));
            return;
        }
        // Written as JsonValues writes them, with no node: the usual answer of a tiny task.
        if (output instanceof Long n) {
            outcome.integral(n);
        } else if (output instanceof Integer n) {
            outcome.integral(n);
        } else {
            outcome.result(encoded(task, i, output));
        }
    }

    private ItemResult encoded(Task<?, ?> task, long i, Object output) {
        try {
            JsonNode value = JsonValues.toTree(mapper, output);
            if (value.isDouble() && !Double.isFinite(value.doubleValue())) {
                throw new IllegalArgumentException("the result " + value.asText() + " is not a finite JSON number");
            }
            if ((value.isBigInteger() || value.isBigDecimal()) && value.asText().length() > Codec.MAX_NUMBER_LENGTH) {
                return ItemResult.failed(i, RemoteError.of(ErrorCode.TOO_LARGE, "result of item " + i
                        + " is a number of " + value.asText().length() + " digits; the protocol limit is "
                        + Codec.MAX_NUMBER_LENGTH));
            }
            return ItemResult.ok(i, value);
        } catch (IllegalArgumentException e) {
            return ItemResult.failed(i, RemoteError.of(ErrorCode.TASK_ERROR, new IllegalStateException(
                    "result of task " + task.name() + " cannot be written as JSON: " + e.getMessage(), e)));
        }
    }

    /** A task's exception: to be retried, or a final error that says how many attempts ran when a policy applies. */
    private static ItemResult failed(long i, Attempt attempt, Throwable e) {
        RemoteError error = RemoteError.of(ErrorCode.TASK_ERROR, e);
        if (attempt.retry(i, e)) {
            return ItemResult.failed(i, error);
        }
        String note = attempt.finalNote(e);
        return ItemResult.failed(i, note.isEmpty() ? error
                : new RemoteError(error.code(), error.type(), error.message() + note, error.stack()));
    }
}
