package io.mqpool.task;

import com.fasterxml.jackson.databind.type.TypeFactory;
import java.lang.reflect.Type;
import java.util.Objects;

/** A task made of a name, an input type and a function, by {@link Task#of}. Thread-safe if the function is. */
final class LambdaTask<I, O> implements Task<I, O> {
    private final String name;
    private final Class<I> rawInput;
    private final Type input;
    private final TaskFunction<I, O> function;

    private LambdaTask(String name, Class<I> rawInput, Type input, TaskFunction<I, O> function) {
        this.name = name;
        this.rawInput = rawInput;
        this.input = input;
        this.function = function;
    }

    /** @throws IllegalArgumentException for an invalid name, or a null type or function */
    @SuppressWarnings("unchecked")
    static <I, O> LambdaTask<I, O> of(String name, Type input, TaskFunction<I, O> function) {
        TaskRegistry.requireValidName(name);
        if (input == null) {
            throw new IllegalArgumentException("the input type of task " + name + " must not be null");
        }
        Objects.requireNonNull(function, () -> "the function of task " + name + " must not be null");
        Class<I> raw = (Class<I>) TypeFactory.defaultInstance().constructType(input).getRawClass();
        return new LambdaTask<>(name, raw, input, function);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Class<I> inputType() {
        return rawInput;
    }

    @Override
    public Type genericInputType() {
        return input;
    }

    @Override
    public O apply(I value, TaskContext context) throws Exception {
        return function.apply(value, context);
    }

    @Override
    public String toString() {
        return "Task.of(\"" + name + "\", " + input.getTypeName() + ")";
    }
}
