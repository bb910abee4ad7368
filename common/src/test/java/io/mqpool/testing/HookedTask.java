package io.mqpool.testing;

import io.mqpool.task.Task;
import io.mqpool.task.TaskContext;

/** An echo task whose {@code open} and {@code close} run the given hooks: for tests of task lifecycles. */
public final class HookedTask implements Task<String, String> {
    /** What a hook does; it may throw, as a task's {@code open} or {@code close} may. */
    @FunctionalInterface
    public interface Hook {
        void run() throws Exception;
    }

    private final String name;
    private final Hook onOpen;
    private final Hook onClose;

    public HookedTask(String name, Hook onOpen, Hook onClose) {
        this.name = name;
        this.onOpen = onOpen;
        this.onClose = onClose;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Class<String> inputType() {
        return String.class;
    }

    @Override
    public String apply(String input, TaskContext context) {
        return input;
    }

    @Override
    public void open() throws Exception {
        onOpen.run();
    }

    @Override
    public void close() throws Exception {
        onClose.run();
    }
}
