package io.mqpool.task;

/**
 * The body of a task made with {@link Task#of}: a function of the bound input and the call's context.
 *
 * @param <I> the input type
 * @param <O> the result type
 */
@FunctionalInterface
public interface TaskFunction<I, O> {
    /** Runs the task once; any exception becomes a {@code TASK_ERROR} result for the item. */
    O apply(I input, TaskContext context) throws Exception;
}
