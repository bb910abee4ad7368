package io.mqpool.testtasks;

import io.mqpool.task.Task;
import io.mqpool.task.TaskContext;

/** {@code poison(n)}: returns {@code 2n}, but kills its worker JVM on every attempt when {@code n < 0}. */
public final class Poison implements Task<Long, Long> {
    @Override
    public String name() {
        return "poison";
    }

    @Override
    public Class<Long> inputType() {
        return Long.class;
    }

    @Override
    public Long apply(Long n, TaskContext context) {
        if (n < 0) {
            Runtime.getRuntime().halt(86);
        }
        return 2 * n;
    }
}
