package io.mqpool.task;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Binds a JSON array of positional arguments to a task's input type.
 *
 * <p>The input type is the task's {@link Task#genericInputType()}. A record input takes one argument per
 * component, or a single JSON object bound by component name; any other input takes exactly one argument.
 * JSON null is refused except where the input is a {@link JsonNode}. Thread-safe.
 */
public final class ArgumentBinder {
    private final ObjectMapper mapper;

    public ArgumentBinder(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** Returns the bound input, or throws {@link BadArgumentsException} naming what is wrong. */
    public Object bind(Task<?, ?> task, JsonNode args) {
        Class<?> type = task.inputType();
        if (args == null || !args.isArray()) {
            throw new BadArgumentsException("arguments of task " + task.name() + " must be a JSON array", null);
        }
        if (type.isRecord() && !(args.size() == 1 && args.get(0).isObject())) {
            return bindPositional(task, type, args);
        }
        if (args.size() != 1) {
            throw new BadArgumentsException("task " + task.name() + " takes 1 argument, got " + args.size(), null);
        }
        Object value = convert(task, args.get(0), null, "argument");
        if (type.isRecord()) {
            requireAllComponents(task, type, value);
        }
        return value;
    }

    /**
     * What {@link #bind} gives for the one integral argument {@code value}, without making its nodes (the hot path of
     * {@code map(cube, range(n))}): for an input of {@link Number}, {@link Long} or {@link Integer} (when it fits);
     * null when {@code bind} must decide, including every error case.
     */
    public Object bindIntegral(Task<?, ?> task, long value) {
        Class<?> raw = task.inputType();
        if (task.genericInputType() != raw) {
            return null;
        }
        if (raw == Number.class) {
            return value == (int) value ? (Object) (int) value : (Object) value;
        }
        if (raw == Long.class || raw == long.class) {
            return value;
        }
        if ((raw == Integer.class || raw == int.class) && value == (int) value) {
            return (int) value;
        }
        return null;
    }

    private JavaType inputType(Task<?, ?> task) {
        java.lang.reflect.Type generic = task.genericInputType();
        return generic == null || generic == task.inputType() ? mapper.constructType(task.inputType())
                : mapper.getTypeFactory().constructType(generic);
    }

    private static void requireAllComponents(Task<?, ?> task, Class<?> type, Object value) {
        for (RecordComponent c : type.getRecordComponents()) {
            try {
                if (c.getAccessor().invoke(value) == null) {
                    throw new BadArgumentsException("task " + task.name() + " is missing argument '" + c.getName() + "'", null);
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot read " + c.getName() + " of " + type.getName(), e);
            }
        }
    }

    private Object bindPositional(Task<?, ?> task, Class<?> type, JsonNode args) {
        RecordComponent[] components = type.getRecordComponents();
        if (args.size() != components.length) {
            String names = Arrays.stream(components).map(RecordComponent::getName).collect(Collectors.joining(", "));
            throw new BadArgumentsException("task " + task.name() + " takes " + components.length + " arguments ("
                    + names + "), got " + args.size(), null);
        }
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int k = 0; k < components.length; k++) {
            types[k] = components[k].getType();
            JavaType target = mapper.getTypeFactory().constructType(components[k].getGenericType());
            values[k] = convert(task, args.get(k), target, "argument '" + components[k].getName() + "'");
        }
        try {
            Constructor<?> constructor = type.getDeclaredConstructor(types);
            constructor.setAccessible(true);
            return constructor.newInstance(values);
        } catch (InvocationTargetException e) {
            Throwable cause = e.getCause();
            throw new BadArgumentsException("invalid arguments for task " + task.name() + ": " + cause.getMessage(), cause);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + type.getName() + " for task " + task.name(), e);
        }
    }

    /**
     * @param target the type to bind to, or null for the task's input type: a plain class is made a JavaType only
     *     when the scalar fast path cannot bind the value (the hot path of small tasks)
     */
    private Object convert(Task<?, ?> task, JsonNode value, JavaType target, String what) {
        if (target == null && task.genericInputType() != null && task.genericInputType() != task.inputType()) {
            target = inputType(task);
        }
        Class<?> raw = target != null ? target.getRawClass() : task.inputType();
        if (value.isNull() && !JsonNode.class.isAssignableFrom(raw)) {
            throw new BadArgumentsException(what + " of task " + task.name() + " must not be null", null);
        }
        if (value.isDouble() && !Double.isFinite(value.doubleValue())) {
            throw new BadArgumentsException(what + " of task " + task.name() + " is out of range: " + value, null);
        }
        Object fast = convertScalar(value, raw);
        if (fast != null) {
            return fast;
        }
        if (target == null) {
            target = mapper.constructType(raw);
        }
        try {
            return mapper.treeToValue(value, target);
        } catch (Exception e) {
            throw new BadArgumentsException(what + " of task " + task.name() + " must be " + describe(target)
                    + ", got " + abbreviate(value), e);
        }
    }

    /**
     * The common scalar cases without Jackson's general conversion (the hot path of small tasks); null when
     * the general path must decide, including every error case.
     */
    private static Object convertScalar(JsonNode value, Class<?> raw) {
        if (raw == JsonNode.class) {
            return value;
        }
        if (raw == Number.class && value.isNumber()) {
            return value.numberValue();
        }
        if ((raw == Long.class || raw == long.class) && value.isIntegralNumber() && value.canConvertToLong()) {
            return value.longValue();
        }
        if ((raw == Integer.class || raw == int.class) && value.isIntegralNumber() && value.canConvertToInt()) {
            return value.intValue();
        }
        if (raw == String.class && value.isTextual()) {
            return value.textValue();
        }
        return null;
    }

    private static String describe(JavaType type) {
        Class<?> raw = type.getRawClass();
        if (Number.class.isAssignableFrom(raw) || (raw.isPrimitive() && raw != boolean.class && raw != char.class)) {
            return "a number (" + raw.getSimpleName() + ")";
        }
        if (raw == String.class) {
            return "a string";
        }
        return type.containedTypeCount() > 0 ? "a " + type.toCanonical() : "a " + raw.getSimpleName();
    }

    private static String abbreviate(JsonNode value) {
        String text = value.toString();
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }
}
