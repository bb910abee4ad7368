package io.mqpool.worker.testtasks;

import io.mqpool.task.Task;
import io.mqpool.task.TaskContext;

/** A user task whose {@code open()} always fails, loaded only through {@code --tasks-jar} in tests. */
public final class FailsToOpen implements Task<String, String> {
    @Override
    public String name() {
        return "fails_to_open";
    }

    @Override
    public Class<String> inputType() {
        return String.class;
    }

    @Override
    public void open() {
        throw new IllegalStateException("cannot reach the database at db.example:5432");
    }

    @Override
    public String apply(String text, TaskContext context) {
        return text;
    }
}
