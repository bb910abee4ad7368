package io.mqpool.worker.testtasks;

import io.mqpool.task.Task;
import io.mqpool.task.TaskContext;
import java.util.Locale;

/** A user task loaded only through {@code --tasks-jar} in tests. */
public final class Shout implements Task<String, String> {
    @Override
    public String name() {
        return "shout";
    }

    @Override
    public Class<String> inputType() {
        return String.class;
    }

    @Override
    public String apply(String text, TaskContext context) {
        return text.toUpperCase(Locale.ROOT) + "!";
    }
}
