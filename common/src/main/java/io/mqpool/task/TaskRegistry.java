package io.mqpool.task;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.regex.Pattern;

/** The tasks available to a worker, found with {@link ServiceLoader}. Immutable and thread-safe. */
public final class TaskRegistry {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,127}");

    private final Map<String, Task<?, ?>> tasks;

    private TaskRegistry(Map<String, Task<?, ?>> tasks) {
        this.tasks = Collections.unmodifiableMap(tasks);
    }

    /**
     * Loads every task visible to the class loader.
     *
     * @throws IllegalStateException when a task cannot be instantiated, has an invalid name, or two tasks
     *     share a name
     */
    public static TaskRegistry load(ClassLoader loader) {
        Map<String, Task<?, ?>> found = new TreeMap<>();
        try {
            for (Task<?, ?> task : ServiceLoader.load(Task.class, loader)) {
                add(found, task);
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("cannot load tasks: " + e.getMessage(), e);
        }
        return new TaskRegistry(found);
    }

    /** A registry of exactly the given tasks, for tests and embedding. */
    public static TaskRegistry of(Task<?, ?>... tasks) {
        Map<String, Task<?, ?>> found = new TreeMap<>();
        for (Task<?, ?> task : tasks) {
            add(found, task);
        }
        return new TaskRegistry(found);
    }

    private static void add(Map<String, Task<?, ?>> found, Task<?, ?> task) {
        String name = task.name();
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalStateException("task " + task.getClass().getName() + " has an invalid name '" + name
                    + "': use lower case letters, digits, '_', '-' and '.'");
        }
        if (task.inputType() == null) {
            throw new IllegalStateException("task " + name + " (" + task.getClass().getName() + ") has no input type");
        }
        Task<?, ?> previous = found.putIfAbsent(name, task);
        if (previous != null && previous.getClass() != task.getClass()) {
            throw new IllegalStateException("two tasks are named '" + name + "': " + previous.getClass().getName()
                    + " and " + task.getClass().getName());
        }
    }

    public Optional<Task<?, ?>> find(String name) {
        return Optional.ofNullable(tasks.get(name));
    }

    /** The task names, sorted. */
    public java.util.Set<String> names() {
        return tasks.keySet();
    }
}
