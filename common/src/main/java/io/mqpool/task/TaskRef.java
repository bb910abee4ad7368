package io.mqpool.task;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JavaType;
import java.lang.reflect.Type;
import java.util.Objects;

/**
 * A typed handle on a task: its name, the type of its input and the type of its result, generic types included.
 * A producer calls it ({@code pool.map(WORD_COUNT, texts)} is a {@code List<Integer>}) and a worker may define the
 * task from it ({@link Task#of(TaskRef, TaskFunction)}), so both sides share one declaration. Immutable.
 *
 * <pre>{@code
 * static final TaskRef<String, Integer> WORD_COUNT = TaskRef.of("word_count", String.class, Integer.class);
 * static final TaskRef<String, Map<String, Long>> STATS =
 *         TaskRef.of("stats", String.class, new TypeReference<Map<String, Long>>() {});
 * }</pre>
 *
 * @param <I> the input type: one item, the task's one argument (a record binds by component name)
 * @param <O> the result type
 */
public final class TaskRef<I, O> {
    private final String name;
    private final Type inputType;
    private final Type outputType;

    private TaskRef(String name, Type inputType, Type outputType) {
        TaskRegistry.requireValidName(name);
        if (inputType == null) {
            throw new IllegalArgumentException("the input type of task ref " + name + " must not be null");
        }
        if (outputType == null) {
            throw new IllegalArgumentException("the output type of task ref " + name + " must not be null");
        }
        this.name = name;
        this.inputType = inputType;
        this.outputType = outputType;
    }

    /** @throws IllegalArgumentException for an invalid task name or a null type */
    public static <I, O> TaskRef<I, O> of(String name, Class<I> inputType, Class<O> outputType) {
        return new TaskRef<>(name, inputType, outputType);
    }

    public static <I, O> TaskRef<I, O> of(String name, Class<I> inputType, TypeReference<O> outputType) {
        return new TaskRef<>(name, inputType, typeOf(outputType));
    }

    public static <I, O> TaskRef<I, O> of(String name, TypeReference<I> inputType, Class<O> outputType) {
        return new TaskRef<>(name, typeOf(inputType), outputType);
    }

    public static <I, O> TaskRef<I, O> of(String name, TypeReference<I> inputType, TypeReference<O> outputType) {
        return new TaskRef<>(name, typeOf(inputType), typeOf(outputType));
    }

    /** With Jackson types, e.g. from {@code TypeFactory}; {@code I} and {@code O} are not checked against them. */
    public static <I, O> TaskRef<I, O> of(String name, JavaType inputType, JavaType outputType) {
        return new TaskRef<>(name, inputType, outputType);
    }

    private static Type typeOf(TypeReference<?> ref) {
        return ref == null ? null : ref.getType();
    }

    /** The task's name, as workers register it. */
    public String name() {
        return name;
    }

    /** The type of one input item: a {@link Class}, a {@link java.lang.reflect.ParameterizedType} or a {@link JavaType}. */
    public Type inputType() {
        return inputType;
    }

    /** The type results are read as. */
    public Type outputType() {
        return outputType;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TaskRef<?, ?> r && r.name.equals(name) && r.inputType.equals(inputType)
                && r.outputType.equals(outputType);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, inputType, outputType);
    }

    @Override
    public String toString() {
        return "TaskRef[" + name + ": " + inputType.getTypeName() + " -> " + outputType.getTypeName() + "]";
    }
}
