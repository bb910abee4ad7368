package io.mqpool.worker;

import io.mqpool.protocol.TraceParent;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.MDC;

/**
 * The logging context of the item a thread runs: the MDC keys {@value #WORKER}, {@value #JOB}, {@value #ITEM},
 * {@value #TASK} and {@value #TRACE}, which a JSON log line carries as fields. {@link #close()} puts back what the
 * thread had before, so that a pooled thread never lends one item's context to the next.
 */
final class ItemMdc implements AutoCloseable {
    static final String WORKER = "mqpool.worker.id";
    static final String JOB = "mqpool.job.id";
    static final String ITEM = "mqpool.item.index";
    static final String TASK = "mqpool.task.name";
    static final String TRACE = "trace.id";

    private final Map<String, String> previous;

    private ItemMdc(Map<String, String> previous) {
        this.previous = previous;
    }

    /** Sets the item's keys on the calling thread; close on the same thread. */
    static ItemMdc enter(String workerId, String job, long index, String task, TraceParent trace) {
        Map<String, String> previous = new HashMap<>();
        put(previous, WORKER, workerId);
        put(previous, JOB, job);
        put(previous, ITEM, Long.toString(index));
        put(previous, TASK, task);
        put(previous, TRACE, trace == null ? null : trace.traceId());
        return new ItemMdc(previous);
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
