package io.mqpool.worker;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.mqpool.protocol.ItemResult;
import io.mqpool.protocol.ResultMessage;
import io.mqpool.protocol.TaskItem;
import io.mqpool.protocol.TaskMessage;
import io.mqpool.task.Task;
import io.mqpool.task.TaskRegistry;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs a task message in the caller's thread as a worker does, without a broker: the same argument binding,
 * {@code TaskContext}, retry policy and result encoding, so its results are those a worker would send. Retries run
 * back to back (the backoff is the broker's delay queues' to do), and time limits are not enforced. The test kit's
 * direct mode is built on it. It owns its tasks' lifecycle as a worker does: {@link #open()} before the first run,
 * {@link #close()} at the end. Thread-safe.
 */
public final class DirectRunner implements AutoCloseable {
    private final TaskRunner runner;
    private final TaskLifecycle lifecycle;

    /**
     * @param valueMapper the hardened mapper of arguments and results ({@code Codec.harden}), as a worker's
     * @param workerId what {@code TaskContext.workerId()} says
     * @param taskOutput where {@code TaskContext.out()} prints
     */
    public DirectRunner(TaskRegistry registry, ObjectMapper valueMapper, String workerId, PrintStream taskOutput) {
        this.runner = new TaskRunner(registry, valueMapper, workerId, taskOutput);
        this.lifecycle = new TaskLifecycle(registry, null, null, workerId);
    }

    /**
     * Opens every task, as a worker does before it consumes.
     *
     * @throws WorkerStartException naming the task that failed to open, and why
     */
    public void open() {
        lifecycle.open();
    }

    /** Closes the opened tasks, in reverse order; their exceptions are logged. Idempotent. */
    @Override
    public void close() {
        lifecycle.close();
    }

    /** The result of every item of {@code message} after its last attempt, in the message's order. */
    public ResultMessage run(TaskMessage message) {
        Optional<Task<?, ?>> found = runner.find(message.task());
        if (found.isEmpty()) {
            return ResultMessage.of(message.v(), message.job(), runner.unknownTask(message));
        }
        Task<?, ?> task = found.get();
        Map<Long, ItemResult> last = new HashMap<>();
        List<TaskItem> pending = message.items();
        for (int number = 1; !pending.isEmpty(); number++) {
            Attempt attempt = Attempt.of(task, message, number);
            List<TaskItem> again = new ArrayList<>();
            for (TaskItem item : pending) {
                last.put(item.i(), runner.runItem(task, message, item, attempt));
                if (attempt.again(item.i())) {
                    again.add(item);
                }
            }
            pending = again;
        }
        List<ItemResult> results = new ArrayList<>(message.items().size());
        for (TaskItem item : message.items()) {
            results.add(last.get(item.i()));
        }
        return ResultMessage.of(message.v(), message.job(), results);
    }
}
