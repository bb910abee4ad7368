package io.mqpool.task;

import java.time.Duration;

/**
 * A function that workers run by name: the unit of work of mqpool.
 *
 * <p>Implementations are found with {@link java.util.ServiceLoader}: list the class in
 * {@code META-INF/services/io.mqpool.task.Task} and give it a public no-argument constructor. Arguments
 * arrive as a JSON array and are bound to {@link #inputType()} by Jackson: a record type takes one
 * argument per component (as Python's {@code starmap} does), any other type takes exactly one argument.
 * The return value is written back as JSON. Instances are shared by all worker threads, so they must be
 * thread-safe.
 *
 * @param <I> the input type
 * @param <O> the result type
 */
public interface Task<I, O> {
    /** The name producers call the task by: lower case letters, digits, '_', '-' and '.'. */
    String name();

    /** The type the arguments are bound to. */
    Class<I> inputType();

    /** Runs the task once; any exception becomes a {@code TASK_ERROR} result for the item. */
    O apply(I input, TaskContext context) throws Exception;

    /** The default time limit of one call, or null for the worker's default. */
    default Duration timeLimit() {
        return null;
    }

    /**
     * How failed calls are tried again; {@link RetryPolicy#NONE} (the default) runs each item once. A call may
     * override the maximum attempts ({@code JobOptions.withMaxAttempts}, {@code mqpool --max-attempts}).
     */
    default RetryPolicy retryPolicy() {
        return RetryPolicy.NONE;
    }
}
