package io.mqpool.worker;

import io.mqpool.protocol.TraceParent;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The logging context of the item a thread runs: the MDC keys {@value #WORKER}, {@value #JOB}, {@value #ITEM},
 * {@value #TASK} and {@value #TRACE}, which a JSON log line carries as fields. A message's items share all but the
 * item's index, so the context is entered once per message and {@link #item} changes the index alone.
 * {@link #close()} puts back what the thread had before, so that a pooled thread never lends one message's
 * context to the next.
 */
final class ItemMdc implements AutoCloseable {
    static final String WORKER = "mqpool.worker.id";
    static final String JOB = "mqpool.job.id";
    static final String ITEM = "mqpool.item.index";
    static final String TASK = "mqpool.task.name";
    static final String TRACE = "trace.id";

    /** The prefix of a task's logger, as {@code TaskContext.log()} gives it: {@code mqpool.task.<name>}. */
    static final String TASK_LOGGER_PREFIX = "mqpool.task.";

    private final Map<String, String> previous;
    private final Logger taskLog;

    private ItemMdc(Map<String, String> previous, Logger taskLog) {
        this.previous = previous;
        this.taskLog = taskLog;
    }

    /** Sets the keys of one item on the calling thread; close on the same thread. */
    static ItemMdc enter(String workerId, String job, long index, String task, TraceParent trace) {
        ItemMdc mdc = enter(workerId, job, task, trace);
        mdc.item(index);
        return mdc;
    }

    /** Sets the keys shared by a message's items on the calling thread, with no index yet; close on the same thread. */
    static ItemMdc enter(String workerId, String job, String task, TraceParent trace) {
        Map<String, String> previous = new HashMap<>();
        put(previous, WORKER, workerId);
        put(previous, JOB, job);
        put(previous, ITEM, null);
        put(previous, TASK, task);
        put(previous, TRACE, trace == null ? null : trace.traceId());
        return new ItemMdc(previous, LoggerFactory.getLogger(TASK_LOGGER_PREFIX + task));
    }

    /** The logger of the message's task, looked up once for all its items. */
    Logger taskLog() {
        return taskLog;
    }

    /** The next item of the message: only its index changes. On the thread that entered. */
    void item(long index) {
        MDC.put(ITEM, Long.toString(index));
    }

    private static void put(Map<String, String> previous, String key, String value) {
        previous.put(key, MDC.get(key));
        if (value == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, value);
        }
    }

    @Override
    public void close() {
        previous.forEach((key, value) -> {
            if (value == null) {
                MDC.remove(key);
            } else {
                MDC.put(key, value);
            }
        });
    }
}
