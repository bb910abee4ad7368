package io.mqpool.task.builtin;

import io.mqpool.task.Task;
import io.mqpool.task.TaskContext;

/** {@code print_number(i)}: prints {@code Process i: i} on the worker's output and returns it. */
public final class PrintNumber implements Task<Long, String> {
    @Override
    public String name() {
        return "print_number";
    }

    @Override
    public Class<Long> inputType() {
        return Long.class;
    }

    @Override
    public String apply(Long i, TaskContext context) {
        String line = "Process " + i + ": " + i;
        context.out().println(line);
        return line;
    }
}
