package io.mqpool.protocol;

/** The error codes a worker or the producer may attach to a failed item. */
public enum ErrorCode {
    /** The task threw an exception. */
    TASK_ERROR,
    /** No task of that name is registered on the worker. */
    UNKNOWN_TASK,
    /** The arguments could not be bound to the task's input type. */
    BAD_ARGUMENTS,
    /** The task message could not be decoded. */
    MALFORMED,
    /** The message uses a protocol version this worker does not speak. */
    UNSUPPORTED_VERSION,
    /** The item ran past its time limit. */
    TIMEOUT,
    /** The item's message was delivered more often than the queue's delivery limit allows. */
    DELIVERY_LIMIT,
    /** The result was larger than the message size limit. */
    TOO_LARGE,
    /** The item's job was cancelled before the item ran, or while it ran (PROTOCOL.md §18). */
    CANCELLED
}
