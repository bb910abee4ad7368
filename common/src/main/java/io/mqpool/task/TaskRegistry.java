package io.mqpool.task;

import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The tasks available to a worker: instances registered by name, and tasks found with {@link ServiceLoader}.
 * Immutable and thread-safe.
 */
public final class TaskRegistry {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,127}");
    private static final String NAME_RULE = "use 1-128 lower case letters, digits, '_', '-' and '.', starting with a "
            + "letter or digit";

    private final Map<String, Task<?, ?>> tasks;

    private TaskRegistry(Map<String, Task<?, ?>> tasks) {
        this.tasks = Collections.unmodifiableMap(tasks);
    }

    /**
     * Loads every task visible to the class loader. The same class found twice (through two loaders) counts once.
     *
     * @throws IllegalStateException when a task cannot be instantiated, has an invalid name, or two tasks
     *     share a name
     */
    public static TaskRegistry load(ClassLoader loader) {
        Map<String, Task<?, ?>> found = new TreeMap<>();
        try {
            for (Task<?, ?> task : ServiceLoader.load(Task.class, loader)) {
                Task<?, ?> previous = found.get(check(task));
                if (previous == null || previous.getClass() != task.getClass()) {
                    add(found, task);
                }
            }
        } catch (ServiceConfigurationError e) {
            throw new IllegalStateException("cannot load tasks: " + e.getMessage(), e);
        }
        return new TaskRegistry(found);
    }

    /**
     * A registry of exactly the given tasks.
     *
     * @throws IllegalStateException when a task has an invalid name or no input type, or two share a name
     */
    public static TaskRegistry of(Task<?, ?>... tasks) {
        return of(List.of(tasks));
    }

    /** As {@link #of(Task[])}. */
    public static TaskRegistry of(Collection<? extends Task<?, ?>> tasks) {
        Map<String, Task<?, ?>> found = new TreeMap<>();
        for (Task<?, ?> task : tasks) {
            add(found, task);
        }
        return new TaskRegistry(found);
    }

    /**
     * The tasks of both registries.
     *
     * @throws IllegalStateException when a name is in both, unless for the very same instance
     */
    public TaskRegistry plus(TaskRegistry other) {
        Map<String, Task<?, ?>> all = new TreeMap<>(tasks);
        for (Task<?, ?> task : other.tasks.values()) {
            if (all.get(task.name()) != task) {
                add(all, task);
            }
        }
        return new TaskRegistry(all);
    }

    private static void add(Map<String, Task<?, ?>> found, Task<?, ?> task) {
        String name = check(task);
        Task<?, ?> previous = found.putIfAbsent(name, task);
        if (previous != null) {
            throw new IllegalStateException("two tasks are named '" + name + "': " + describe(previous) + " and "
                    + describe(task) + "; task names must be unique in a worker");
        }
    }

    private static String check(Task<?, ?> task) {
        if (task == null) {
            throw new IllegalStateException("a registered task is null");
        }
        String name = task.name();
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalStateException("task " + describe(task) + " has an invalid name '" + name + "': " + NAME_RULE);
        }
        if (task.inputType() == null) {
            throw new IllegalStateException("task " + name + " (" + describe(task) + ") has no input type");
        }
        return name;
    }

    private static String describe(Task<?, ?> task) {
        return task instanceof LambdaTask<?, ?> ? task.toString() : task.getClass().getName();
    }

    /** For {@link Task#of} and {@link TaskRef}: misuse of the API, so an {@link IllegalArgumentException}. */
    static void requireValidName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid task name '" + name + "': " + NAME_RULE);
        }
    }

    public Optional<Task<?, ?>> find(String name) {
        return Optional.ofNullable(tasks.get(name));
    }

    /** The task names, sorted. */
    public Set<String> names() {
        return tasks.keySet();
    }

    /** The tasks, sorted by name. */
    public Collection<Task<?, ?>> tasks() {
        return tasks.values();
    }

    public boolean isEmpty() {
        return tasks.isEmpty();
    }
}
