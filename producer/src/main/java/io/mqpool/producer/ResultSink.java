package io.mqpool.producer;

import io.mqpool.protocol.ResultMessage;
import io.mqpool.protocol.TaskMessage;

/** Where the results of one job go. Called from the pool's connection threads; implementations are thread-safe. */
interface ResultSink {
    void deliver(ResultMessage message);

    /**
     * A published task message was refused or lost before confirmation and must be sent again.
     *
     * @param attempt how many times it has been published so far
     */
    void republish(TaskMessage message, int attempt);

    /** A marker from an earlier run of a resumable job: these items were confirmed published. */
    default void published(long[] indices) {
    }

    /** The W3C traceparent the job's task messages carry (header {@code traceparent}), or null. */
    default String traceparent() {
        return null;
    }

    /** The job was cancelled (PROTOCOL.md §18), here or elsewhere. */
    default void cancelled() {
    }

    /** The job cannot complete. */
    void fail(RuntimeException cause);
}
