package io.mqpool.worker;

import io.mqpool.amqp.Topology;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongConsumer;

/**
 * The retry queues of one task queue that this worker has declared: each is declared on its first use, and again
 * after the broker said it was gone. Thread-safe.
 */
final class DelayQueues {
    private final String taskQueue;
    private final LongConsumer declare;
    private final Set<String> declared = ConcurrentHashMap.newKeySet();

    /** @param declare declares the retry queue of a delay, in ms; throws when the broker refuses */
    DelayQueues(String taskQueue, LongConsumer declare) {
        this.taskQueue = taskQueue;
        this.declare = declare;
    }

    /**
     * Where a retry after {@code delayMs} goes: the retry queue of the longest delay not above it, declared first if
     * needed, or the task queue itself for a delay below the shortest retry queue's.
     */
    String route(long delayMs) {
        long delay = Topology.retryDelay(delayMs);
        if (delay == 0) {
            return taskQueue;
        }
        String queue = Topology.retryQueue(taskQueue, delay);
        if (!declared.contains(queue)) {
            declare.accept(delay);
            declared.add(queue);
        }
        return queue;
    }

    /** The broker returned a message sent to {@code queue}: it is gone, so declare it again next time. */
    void forget(String queue) {
        declared.remove(queue);
    }
}
