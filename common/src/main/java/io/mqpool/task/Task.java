package io.mqpool.task;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import java.lang.reflect.Type;
import java.time.Duration;

/**
 * A function that workers run by name: the unit of work of mqpool.
 *
 * <p>A task is either registered with an embedded worker as an instance (a class of yours, or {@link #of} with a
 * lambda), so it can take its dependencies through its constructor, or found with {@link java.util.ServiceLoader}:
 * list the class in {@code META-INF/services/io.mqpool.task.Task} and give it a public no-argument constructor.
 * Arguments arrive as a JSON array and are bound to {@link #genericInputType()} by Jackson: a record type takes one
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

    /**
     * The full type the arguments are bound to, when it is generic ({@code List<Point>}); by default
     * {@link #inputType()}. A Jackson {@link JavaType} is a {@link Type} too.
     */
    default Type genericInputType() {
        return inputType();
    }

    /** Runs the task once; any exception becomes a {@code TASK_ERROR} result for the item. */
    O apply(I input, TaskContext context) throws Exception;

    /**
     * Called once by each worker before it consumes anything, after the worker's initializer; if it throws, the
     * worker does not start. By default nothing.
     */
    default void open() throws Exception {
    }

    /**
     * Called once by a worker that opened this task, when it closes, after the tasks in flight finished (or the
     * shutdown timeout expired): releases what the task holds. An exception is logged. By default nothing.
     */
    default void close() throws Exception {
    }

    /**
     * A task of {@code function}, e.g. {@code Task.of("resize", ResizeRequest.class, (req, ctx) -> resizer.resize(req))}.
     *
     * @throws IllegalArgumentException for an invalid name, or a null type or function
     */
    static <I, O> Task<I, O> of(String name, Class<I> inputType, TaskFunction<I, O> function) {
        return LambdaTask.of(name, inputType, function);
    }

    /** As {@link #of(String, Class, TaskFunction)}, with a generic input type: {@code new TypeReference<List<Point>>() {}}. */
    static <I, O> Task<I, O> of(String name, TypeReference<I> inputType, TaskFunction<I, O> function) {
        return LambdaTask.of(name, inputType == null ? null : inputType.getType(), function);
    }

    /** As {@link #of(String, Class, TaskFunction)}, with a Jackson type; {@code I} is not checked against it. */
    static <I, O> Task<I, O> of(String name, JavaType inputType, TaskFunction<I, O> function) {
        return LambdaTask.of(name, inputType, function);
    }

    /** The task that {@code ref} calls: its name and input type, with {@code function}. */
    static <I, O> Task<I, O> of(TaskRef<I, O> ref, TaskFunction<I, O> function) {
        return LambdaTask.of(ref.name(), ref.inputType(), function);
    }

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
