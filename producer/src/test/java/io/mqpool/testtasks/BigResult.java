package io.mqpool.testtasks;

import io.mqpool.task.Task;
import io.mqpool.task.TaskContext;

/** {@code big_result(n)}: returns a string of {@code n} characters. */
public final class BigResult implements Task<Integer, String> {
    @Override
    public String name() {
        return "big_result";
    }

    @Override
    public Class<Integer> inputType() {
        return Integer.class;
    }

    @Override
    public String apply(Integer n, TaskContext context) {
        return "x".repeat(n);
    }
}
