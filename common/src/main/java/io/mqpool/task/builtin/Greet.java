package io.mqpool.task.builtin;

import io.mqpool.task.Task;
import io.mqpool.task.TaskContext;

/** {@code greet(name)}: returns and logs {@code Hello,<name>}. */
public final class Greet implements Task<String, String> {
    @Override
    public String name() {
        return "greet";
    }

    @Override
    public Class<String> inputType() {
        return String.class;
    }

    @Override
    public String apply(String name, TaskContext context) {
        String greeting = "Hello," + name;
        context.log().info(greeting);
        return greeting;
    }
}
